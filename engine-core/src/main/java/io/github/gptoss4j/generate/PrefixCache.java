package io.github.gptoss4j.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The second stage of a generation: one session's KV cache and the tokens it holds. A new prompt keeps the
 * longest prefix it shares with them, so only the rest is prefilled (a follow-up turn runs only its new
 * messages). Every token run through the decoder goes through here, so the record of what the cache holds
 * cannot drift from the cache itself. Not thread-safe: one per session.
 */
final class PrefixCache implements AutoCloseable {
  private final Decoder decoder;
  private final PrefixStore store;
  // The tokens the decoder's KV cache holds: tokens[0, count).
  private int[] tokens = new int[256];
  private int count;

  /** @param store the model's shared prefix cache, or null */
  PrefixCache(Decoder decoder, PrefixStore store) {
    this.decoder = decoder;
    this.store = store;
  }

  /**
   * Brings the cache to the longest prefix of {@code prompt} it can keep or restore from the shared store
   * (always leaving at least one prompt token to run, for its logits) and returns its length.
   */
  int reuse(int[] prompt) {
    int common = Arrays.mismatch(tokens, 0, count, prompt, 0, prompt.length);
    if (common < 0) {
      common = prompt.length; // identical
    }
    common = Math.min(common, prompt.length - 1);
    int restored = store == null ? 0 : store.restoreLongest(prompt, common, prompt.length - 1, decoder);
    if (restored > 0) {
      record(prompt, 0, restored, 0);
      return count;
    }
    count = decoder.position() == common ? common : decoder.backTo(common);
    return count;
  }

  /**
   * Offers the cache's state, which must hold exactly {@code prompt[0, length)}, to the shared store, unless
   * that prefix is there already.
   */
  void share(int[] prompt, int length) {
    if (store != null && count == length && !store.contains(prompt, length)) {
      store.put(prompt, length, decoder.snapshot());
    }
  }

  /** Largest block worth running in one call. */
  int maxBlock() {
    return decoder.maxBlock();
  }

  /**
   * Runs {@code tokens[off, off + n)} after the cached ones.
   *
   * @param logits receives the last token's logits, or null when none are needed
   */
  void forward(int[] next, int off, int n, float[] logits) {
    decoder.forward(next, off, n, logits, false);
    record(next, off, n, count);
  }

  /**
   * Runs {@code tokens[off, off + n)} after the cached ones as n one-token steps would ({@link Decoder#verify}).
   *
   * @param logits receives the logits after each of them, {@code n · vocab} floats
   */
  void verify(int[] next, int off, int n, float[] logits) {
    decoder.verify(next, off, n, logits);
    record(next, off, n, count);
  }

  /**
   * Forgets the last {@code n} tokens run, at most a block's worth (which truncation can always drop).
   *
   * @throws GenerationException if the decoder could not go back that far
   */
  void dropLast(int n) {
    int target = count - n;
    count = decoder.backTo(target);
    if (count != target) {
      throw new GenerationException("the KV cache could not drop its last " + n + " tokens (back to " + count + ")");
    }
  }

  /** Records that the cache holds {@code next[off, off + n)} from position {@code at} on. */
  private void record(int[] next, int off, int n, int at) {
    if (at + n > tokens.length) {
      tokens = Arrays.copyOf(tokens, Math.max(2 * tokens.length, at + n));
    }
    System.arraycopy(next, off, tokens, at, n);
    count = at + n;
  }

  /** Remembers the current position as one a later prompt may return to (see {@link Decoder#mark()}). */
  void mark() {
    decoder.mark();
  }

  /** Forgets everything: after a failed step the cache's content is unknown. */
  void invalidate() {
    count = 0;
    decoder.backTo(0);
  }

  /** Makes this cache hold what {@code other} holds (a copy: the two never share a buffer). */
  void copyFrom(PrefixCache other) {
    try (Decoder.Snapshot snapshot = other.decoder.snapshot()) {
      decoder.restore(snapshot);
    }
    record(other.tokens, 0, other.count, 0);
  }

  /** Writes the tokens held and their KV state. */
  void writeTo(DataOutputStream out) throws IOException {
    out.writeUTF(decoder.stateFormat());
    out.writeInt(count);
    for (int i = 0; i < count; i++) {
      out.writeInt(tokens[i]);
    }
    decoder.writeState(out);
  }

  /**
   * Replaces the cache's content with what {@link #writeTo} wrote.
   *
   * @throws IOException if it was written for another model or options, ends early or does not fit
   */
  void readFrom(DataInputStream in, int vocab) throws IOException {
    String format = in.readUTF();
    if (!format.equals(decoder.stateFormat())) {
      throw new IOException("it was saved from another model or KV options (" + format + "); this model has "
          + decoder.stateFormat());
    }
    int n = in.readInt();
    if (n < 0 || n > 1 << 24) {
      throw new IOException("it claims " + n + " cached tokens");
    }
    int[] saved = new int[n];
    for (int i = 0; i < n; i++) {
      saved[i] = in.readInt();
      if (saved[i] < 0 || saved[i] >= vocab) {
        throw new IOException("cached token " + i + " is " + saved[i] + ", outside the vocabulary of " + vocab);
      }
    }
    count = 0;
    decoder.readState(in);
    if (decoder.position() != n) {
      throw new IOException("it holds " + decoder.position() + " KV positions for " + n + " tokens");
    }
    record(saved, 0, n, 0);
  }

  @Override
  public void close() {
    decoder.close();
  }
}
