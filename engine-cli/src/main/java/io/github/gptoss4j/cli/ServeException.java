package io.github.gptoss4j.cli;

/**
 * A request {@code gptoss serve} refuses, answered as OpenAI's error object {@code {"error": {"message", "type",
 * "param"}}} with an HTTP status.
 */
final class ServeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String param;

  ServeException(int status, String type, String param, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  /** A 400 for a bad field of the request body; {@code param} names it (null when the body as a whole). */
  static ServeException invalid(String param, String message) {
    return new ServeException(400, "invalid_request_error", param, message);
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  /** The request field at fault, or null. */
  String param() {
    return param;
  }
}
