package io.github.gptoss4j.server;

import io.github.gptoss4j.GptOssException;
import java.io.Serial;

/** A server option out of range, or a server that cannot start (e.g. its port is taken). */
public class GptOssServerException extends GptOssException {
  @Serial private static final long serialVersionUID = 1L;

  /** An error described by {@code message}. */
  public GptOssServerException(String message) {
    super(message);
  }

  /** An error described by {@code message}, caused by {@code cause}. */
  public GptOssServerException(String message, Throwable cause) {
    super(message, cause);
  }
}
