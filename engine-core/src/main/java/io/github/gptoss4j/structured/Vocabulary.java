package io.github.gptoss4j.structured;

import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What structured output precomputes once per tokenizer: every token's bytes, the {@link TokenTrie} of the
 * ordinary tokens, and for each {@link Utf8String} state which tokens stay inside a string body (with the
 * characters they begin and the state they leave), and which may close it. Masking a string body then costs a
 * bitset copy plus a walk over the few thousand tokens that hold a quote.
 */
final class Vocabulary {
  private static final Map<Tokenizer, Vocabulary> CACHE = new WeakHashMap<>();

  final int size;
  final byte[][] bytes; // null for special tokens
  final TokenTrie trie;
  final long[] ordinary; // bitset of the tokens that are not special
  final long[][] inString; // [state]: tokens whose bytes all stay inside the string body
  final byte[][] begun; // [state][token]: characters begun by an inString token (unsigned)
  final byte[][] endState; // [state][token]: the Utf8String state after an inString token
  final int[][] closing; // [state]: tokens that reach the closing quote

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
    inString = new long[Utf8String.STATES][words(size)];
    begun = new byte[Utf8String.STATES][size];
    endState = new byte[Utf8String.STATES][size];
    closing = new int[Utf8String.STATES][];
    for (int state = 0; state < Utf8String.STATES; state++) {
      tabulate(state);
    }
  }

  /** The tables of {@code tokenizer}'s vocabulary, built on first use (a few hundred milliseconds) and shared. */
  static Vocabulary of(Tokenizer tokenizer) {
    synchronized (CACHE) {
      return CACHE.computeIfAbsent(tokenizer, Vocabulary::new);
    }
  }

  static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  private void tabulate(int start) {
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
        int next = Utf8String.step(state, token[i] & 0xFF);
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
        inString[start][id >>> 6] |= 1L << id;
        begun[start][id] = (byte) chars; // a token has fewer than 256 bytes
        endState[start][id] = (byte) state;
      }
    }
    closing[start] = Arrays.copyOf(closers, closerCount);
  }
}
