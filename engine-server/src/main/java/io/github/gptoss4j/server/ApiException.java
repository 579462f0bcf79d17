package io.github.gptoss4j.server;

import java.io.Serial;

/**
 * A request the server refuses, answered as OpenAI's error object {@code {"error": {"message", "type", "param",
 * "code"}}} with an HTTP status.
 */
final class ApiException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String param;
  private final String code;

  ApiException(int status, String type, String param, String code, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
  }

  /** A 400 for a bad field of the request body; {@code param} is its JSON path (null for the body as a whole). */
  static ApiException invalid(String param, String message) {
    return new ApiException(400, "invalid_request_error", param, null, message);
  }

  /** A 400 for a field this server understands but cannot honour. */
  static ApiException unsupported(String param, String why) {
    return new ApiException(400, "invalid_request_error", param, "unsupported_parameter", param + ": " + why);
  }

  /** A 503: the server is stopping. */
  static ApiException shuttingDown() {
    return new ApiException(503, "server_error", null, "server_shutting_down", "the server is shutting down");
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  /** The JSON path of the request field at fault, or null. */
  String param() {
    return param;
  }

  /** OpenAI's machine-readable {@code code}, or null. */
  String code() {
    return code;
  }
}
