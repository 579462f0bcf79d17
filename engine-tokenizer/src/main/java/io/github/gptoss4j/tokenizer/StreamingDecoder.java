package io.github.gptoss4j.tokenizer;

import java.util.Arrays;

/**
 * Turns token ids into text as they are generated. A token may end in the middle of a UTF-8 character; its
 * bytes are held back until the character is complete, so {@link #feed} only ever returns whole characters.
 * The concatenation of everything returned by {@link #feed} and {@link #flush} equals
 * {@link Tokenizer#decode} of all the ids. Not thread-safe: one decoder per stream.
 */
public final class StreamingDecoder {
  private final Tokenizer tokenizer;
  private byte[] pending = new byte[64];
  private int pendingLength;

  StreamingDecoder(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * Adds one token and returns the text that is now complete (possibly empty). Invalid UTF-8 is replaced by
   * U+FFFD as soon as it is known to be invalid.
   *
   * @param id the next generated token id
   * @return the newly completed text, possibly empty; never null
   * @throws TokenizerException if {@code id} is not a token of this tokenizer
   */
  public String feed(int id) {
    int length = tokenizer.tokenLength(id);
    if (pendingLength + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
    }
    pendingLength = tokenizer.copyToken(id, pending, pendingLength);
    int ready = completeLength();
    String text = Utf8.decodeLossy(pending, ready);
    System.arraycopy(pending, ready, pending, 0, pendingLength - ready);
    pendingLength -= ready;
    return text;
  }

  /**
   * Returns the held-back bytes of an unfinished character as U+FFFD (empty if none) and resets.
   *
   * @return the replacement text for held-back bytes (one U+FFFD per invalid subpart), or {@code ""} if none
   */
  public String flush() {
    String text = Utf8.decodeLossy(pending, pendingLength);
    pendingLength = 0;
    return text;
  }

  /** The length of the prefix of {@code pending} that does not end in an unfinished character. */
  private int completeLength() {
    int i = 0;
    while (i < pendingLength) {
      int r = Utf8.scan(pending, i, pendingLength);
      if (r >= Utf8.INCOMPLETE) {
        return i;
      }
      i += r < 0 ? -r : r;
    }
    return i;
  }
}
