package io.github.gptoss4j.model;

/** A sequence would exceed the model's context length or the caller's KV-cache memory budget. */
public final class ContextOverflowException extends ModelException {
  private static final long serialVersionUID = 1L;

  /** An overflow described by {@code message}. */
  public ContextOverflowException(String message) {
    super(message);
  }
}
