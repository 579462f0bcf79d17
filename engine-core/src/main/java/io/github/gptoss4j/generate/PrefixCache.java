package io.github.gptoss4j.generate;

import java.util.Arrays;

/**
 * The second stage of a generation: one session's KV cache and the tokens it holds. A new prompt keeps the
 * longest prefix it shares with them, so only the rest is prefilled (a follow-up turn runs only its new
 * messages). Every token run through the decoder goes through here, so the record of what the cache holds
 * cannot drift from the cache itself. Not thread-safe: one per session.
 */
final class PrefixCache implements AutoCloseable {
  private final Decoder decoder;
  // The tokens the decoder's KV cache holds: tokens[0, count).
  private int[] tokens = new int[256];
  private int count;

  PrefixCache(Decoder decoder) {
    this.decoder = decoder;
  }

  /**
   * Brings the cache to the longest prefix of {@code prompt} it can keep (always leaving at least one prompt
   * token to run, for its logits) and returns its length.
   */
  int reuse(int[] prompt) {
    int common = Arrays.mismatch(tokens, 0, count, prompt, 0, prompt.length);
    if (common < 0) {
      common = prompt.length; // identical
    }
    common = Math.min(common, prompt.length - 1);
    count = decoder.position() == common ? common : decoder.backTo(common);
    return count;
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
    if (count + n > tokens.length) {
      tokens = Arrays.copyOf(tokens, Math.max(2 * tokens.length, count + n));
    }
    System.arraycopy(next, off, tokens, count, n);
    count += n;
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

  @Override
  public void close() {
    decoder.close();
  }
}
