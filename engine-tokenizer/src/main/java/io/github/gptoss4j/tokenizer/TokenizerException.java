package io.github.gptoss4j.tokenizer;

import io.github.gptoss4j.GptOssException;

/**
 * The tokenizer's own error: a malformed or truncated vocabulary file, an unknown token id or special-token
 * name, a special token in the text that the caller did not allow, or invalid UTF-8 in a strict decode. The
 * message always names the file, id, token or byte offset concerned and what was expected.
 */
public final class TokenizerException extends GptOssException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message naming what was wrong and what was expected.
   *
   * @param message what was wrong (file, id, token or byte offset) and what was expected
   */
  public TokenizerException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the I/O or parse error that caused it.
   *
   * @param message what was wrong (file, id, token or byte offset) and what was expected
   * @param cause the underlying I/O or parse error; may be null
   */
  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
