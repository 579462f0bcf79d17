package io.github.gptoss4j.model;

/**
 * Scratch memory of {@link Transformer#decode}: activations for one token of each of up to a fixed number of
 * sequences. Used by one thread at a time.
 */
public final class DecodeBatch {
  final Activations activations;

  DecodeBatch(Activations activations) {
    this.activations = activations;
  }

  /** Most sequences one pass takes. */
  public int maxSequences() {
    return activations.maxBlock;
  }
}
