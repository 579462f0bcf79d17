package io.github.gptoss4j.generate;

import io.github.gptoss4j.GptOssException;

import java.io.Serial;

/**
 * An invalid generation request or option, or a generation step that cannot go on (for example logits
 * containing NaN). The message names the option, token or argument at fault and what was expected.
 */
public class GenerationException extends GptOssException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * An error described by {@code message}.
   *
   * @param message what is wrong, naming the option, token or argument at fault and what was expected
   */
  public GenerationException(String message) {
    super(message);
  }
}
