package io.github.gptoss4j;

import java.io.Serial;

/**
 * The root of every exception gptoss4j throws, so that a caller can catch one type. Each subclass's message
 * names the file, tensor, field, option or token at fault and what was expected: {@link CheckpointException}
 * for a checkpoint that cannot be used, and in the other modules the tokenizer's, Harmony's and the Generator
 * API's own exceptions.
 */
public class GptOssException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * An error described by {@code message}.
   *
   * @param message what failed, naming the file, tensor, field, option or token at fault
   */
  public GptOssException(String message) {
    super(message);
  }

  /**
   * An error described by {@code message}, caused by {@code cause} (usually an I/O error).
   *
   * @param message what failed, naming the file, tensor, field, option or token at fault
   * @param cause the underlying error, kept as {@link #getCause()}; may be null
   */
  public GptOssException(String message, Throwable cause) {
    super(message, cause);
  }
}
