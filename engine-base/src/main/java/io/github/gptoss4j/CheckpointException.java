package io.github.gptoss4j;

/**
 * A checkpoint that cannot be used: a malformed safetensors file, a bad {@code config.json}, or weights
 * of the wrong name, shape or dtype. The message names the file, the tensor or field, and what was
 * expected.
 */
public final class CheckpointException extends GptOssException {
  private static final long serialVersionUID = 1L;

  /**
   * A problem described by {@code message}.
   *
   * @param message what is wrong and where (file, tensor or field) and what was expected
   */
  public CheckpointException(String message) {
    super(message);
  }

  /**
   * A problem described by {@code message}, caused by {@code cause} (usually an I/O error).
   *
   * @param message what is wrong and where (file, tensor or field) and what was expected
   * @param cause the underlying error, kept as {@link #getCause()}; may be null
   */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
