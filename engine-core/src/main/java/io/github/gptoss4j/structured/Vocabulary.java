package io.github.gptoss4j.structured;

import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What structured output precomputes once per tokenizer: every token's bytes, the {@link TokenTrie} of the
 * ordinary tokens, and for each {@link Utf8String} state a {@link StringTable} (built when a string body first
 * reaches that state). Masking a string body then costs a bitset copy plus a walk over the few thousand tokens
 * that hold a quote. Shared by all generations of all models with the same tokenizer; thread-safe.
 */
final class Vocabulary {
  private static final Map<Tokenizer, Vocabulary> CACHE = new WeakHashMap<>();

  final int size;
  final byte[][] bytes; // null for special tokens
  final TokenTrie trie;
  final long[] ordinary; // bitset of the tokens that are not special
  private final StringTable[] strings = new StringTable[Utf8String.STATES];

  /**
   * The tokens that may come next inside a string body in one {@link Utf8String} state: {@code inside}, the
   * bitset of those whose bytes all stay inside the body, with per token the characters it begins ({@code
   * begun}, unsigned) and the state after it ({@code endState}); and {@code closing}, those whose bytes reach
   * the closing quote (what follows the quote is for the automaton to judge).
   */
  static final class StringTable {
    final long[] inside;
    final byte[] begun;
    final byte[] endState;
    final int[] closing;
    final int mostBegun;
    final long[][] pendingAtMost; // [p]: the inside tokens that leave at most p bytes of a character to go
    private final long[][] atMost; // made per count on first use: a string's maxLength, as it runs out

    StringTable(long[] inside, byte[] begun, byte[] endState, int[] closing) {
      this.inside = inside;
      this.begun = begun;
      this.endState = endState;
      this.closing = closing;
      int most = 0;
      for (byte b : begun) {
        most = Math.max(most, b & 0xFF);
      }
      this.mostBegun = most;
      this.pendingAtMost = new long[5][inside.length];
      for (int w = 0; w < inside.length; w++) {
        for (long b = inside[w]; b != 0; b &= b - 1) {
          int token = (w << 6) + Long.numberOfTrailingZeros(b);
          for (int p = Utf8String.pendingBytes(endState[token]); p < 5; p++) {
            pendingAtMost[p][w] |= 1L << token;
          }
        }
      }
      this.atMost = new long[most][];
    }

    /** The {@code inside} tokens that begin at most {@code chars < mostBegun} characters. */
    synchronized long[] beginningAtMost(int chars) {
      if (atMost[chars] == null) {
        long[] bits = new long[inside.length];
        for (int w = 0; w < inside.length; w++) {
          for (long b = inside[w]; b != 0; b &= b - 1) {
            int token = (w << 6) + Long.numberOfTrailingZeros(b);
            if ((begun[token] & 0xFF) <= chars) {
              bits[w] |= 1L << token;
            }
          }
        }
        atMost[chars] = bits;
      }
      return atMost[chars];
    }
  }

  private Vocabulary(Tokenizer tokenizer) {
    size = tokenizer.vocabSize();
    bytes = new byte[size][];
    ordinary = new long[words(size)];
    for (int id = 0; id < size; id++) {
      if (!tokenizer.isSpecial(id)) {
        bytes[id] = tokenizer.tokenBytes(id);
        ordinary[id >>> 6] |= 1L << id;
      }
    }
    trie = new TokenTrie(bytes);
  }

  /** The vocabulary of {@code tokenizer}, built on first use and shared. */
  static Vocabulary of(Tokenizer tokenizer) {
    synchronized (CACHE) {
      return CACHE.computeIfAbsent(tokenizer, Vocabulary::new);
    }
  }

  static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  /** The table of string-body state {@code state}. */
  synchronized StringTable strings(int state) {
    if (strings[state] == null) {
      strings[state] = tabulate(state);
    }
    return strings[state];
  }

  private StringTable tabulate(int start) {
    long[] inside = new long[words(size)];
    byte[] begun = new byte[size];
    byte[] endState = new byte[size];
    int[] closers = new int[1024];
    int closerCount = 0;
    for (int id = 0; id < size; id++) {
      byte[] token = bytes[id];
      if (token == null) {
        continue;
      }
      int state = start;
      int chars = 0;
      boolean closes = false;
      for (int i = 0; i < token.length && state >= 0; i++) {
        int next = Utf8String.next(state, token[i] & 0xFF);
        if (next == Utf8String.CLOSE) {
          closes = true;
          break;
        }
        if (state == Utf8String.PLAIN && next != Utf8String.REJECT) {
          chars++;
        }
        state = next;
      }
      if (closes) {
        if (closerCount == closers.length) {
          closers = Arrays.copyOf(closers, 2 * closerCount);
        }
        closers[closerCount++] = id;
      } else if (state >= 0) {
        inside[id >>> 6] |= 1L << id;
        begun[id] = (byte) chars; // a token has fewer than 256 bytes
        endState[id] = (byte) state;
      }
    }
    return new StringTable(inside, begun, endState, Arrays.copyOf(closers, closerCount));
  }
}
