package io.github.gptoss4j.model;

import io.github.gptoss4j.GptOssException;

/** A request the model cannot run: a token outside the vocabulary, a sequence beyond its limits. */
public class ModelException extends GptOssException {
  private static final long serialVersionUID = 1L;

  /** An error described by {@code message}. */
  public ModelException(String message) {
    super(message);
  }
}
