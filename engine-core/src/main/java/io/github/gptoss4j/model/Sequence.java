package io.github.gptoss4j.model;

import io.github.gptoss4j.KvType;

/**
 * One token sequence being run through a {@link Transformer}: its KV cache and scratch memory. A sequence
 * belongs to one thread at a time; many sequences can share one model.
 */
public final class Sequence implements AutoCloseable {
  final KvCache cache;
  final Activations activations;

  Sequence(KvCache cache, Activations activations) {
    this.cache = cache;
    this.activations = activations;
  }

  /** Tokens processed so far; the next token goes at this position. */
  public int position() {
    return cache.size();
  }

  /** The KV cache (for its size, memory and truncation). */
  public KvCache cache() {
    return cache;
  }

  /** Element type of the KV cache. */
  public KvType kvType() {
    return cache.type();
  }

  /** Largest block of tokens processed in one pass. */
  public int maxBlock() {
    return activations.maxBlock;
  }

  /** Whether {@link #truncate} can go back to {@code position}. */
  public boolean canTruncate(int position) {
    return cache.canTruncate(position);
  }

  /** Forgets every token from {@code position} on. */
  public void truncate(int position) {
    cache.truncate(position);
  }

  /** Remembers the current position; see {@link KvCache#mark()}. */
  public KvCache.Mark mark() {
    return cache.mark();
  }

  /** Goes back to a mark taken earlier; see {@link KvCache#rewind}. */
  public void rewind(KvCache.Mark mark) {
    cache.rewind(mark);
  }

  /** An independent copy for branching: same tokens, own cache and scratch. */
  public Sequence copy() {
    return new Sequence(cache.copy(), new Activations(activations));
  }

  @Override
  public void close() {
    cache.close();
  }
}
