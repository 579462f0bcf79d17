package io.github.gptoss4j.server;

import java.io.Serial;

/** A write to the client failed: it went away. Unwinding past the generation's stream cancels it. */
final class ClientGoneException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  ClientGoneException(Throwable cause) {
    super(cause.getMessage(), cause);
  }
}
