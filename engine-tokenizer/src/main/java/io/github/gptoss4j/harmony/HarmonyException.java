package io.github.gptoss4j.harmony;

import io.github.gptoss4j.GptOssException;

/**
 * A Harmony conversation, message or token sequence that cannot be rendered or parsed. The message names
 * the field, token or role at fault and what was expected.
 */
public final class HarmonyException extends GptOssException {

  /**
   * Creates an exception with a message that names the offending field or token.
   *
   * @param message what is wrong, naming the offending field, token or header text
   */
  public HarmonyException(String message) {
    super(message);
  }

  /**
   * Creates an exception that wraps the lower-level failure it explains.
   *
   * @param message what is wrong, naming the offending field, token or header text
   * @param cause the lower-level failure (e.g. a JSON parse error); may be null
   */
  public HarmonyException(String message, Throwable cause) {
    super(message, cause);
  }
}
