package io.github.gptoss4j.tokenizer;

import java.util.Arrays;

/**
 * Parses tiktoken's ranks format, one {@code base64(token bytes) SP rank} a line, straight from the file's
 * bytes: base64 is decoded into one shared pool and the rank parsed in place, with no String per line.
 * Ranks must be 0, 1, 2, … in line order, as in every file OpenAI publishes; anything else is reported with
 * its line number.
 */
final class TiktokenFile {
  private static final byte[] BASE64 = new byte[256];

  static {
    Arrays.fill(BASE64, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      BASE64[alphabet.charAt(i)] = (byte) i;
    }
  }

  private TiktokenFile() {}

  /**
   * Parses a whole ranks file.
   *
   * @param source names the file in error messages
   * @param maxRanks ranks at or above this are rejected (they would collide with special-token ids)
   */
  static Ranks parse(byte[] content, String source, int maxRanks) {
    int lines = 1;
    for (byte b : content) {
      if (b == '\n') {
        lines++;
      }
    }
    byte[] pool = new byte[content.length];
    int[] offsets = new int[lines + 1];
    int rank = 0;
    int poolAt = 0;
    int pos = 0;
    int lineNo = 0;
    while (pos < content.length) {
      lineNo++;
      int lineEnd = pos;
      while (lineEnd < content.length && content[lineEnd] != '\n') {
        lineEnd++;
      }
      int end = lineEnd > pos && content[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
      if (end > pos) {
        int space = pos;
        while (space < end && content[space] != ' ') {
          space++;
        }
        if (space == end) {
          throw error(source, lineNo, "no space between token and rank; expected 'base64 rank'");
        }
        int written = decodeBase64(content, pos, space, pool, poolAt, source, lineNo);
        int parsed = parseRank(content, space + 1, end, source, lineNo);
        if (parsed != rank) {
          throw error(source, lineNo, "rank " + parsed + ", expected " + rank + " (ranks must be 0, 1, 2, ... in order)");
        }
        if (rank >= maxRanks) {
          throw error(source, lineNo, "rank " + rank + " is not below " + maxRanks + ", the first special-token id");
        }
        offsets[rank] = poolAt;
        poolAt += written;
        rank++;
        offsets[rank] = poolAt;
      }
      pos = lineEnd + 1;
    }
    if (rank == 0) {
      throw new TokenizerException(source + ": no ranks found; expected lines of 'base64 rank'");
    }
    return new Ranks(pool, offsets, rank, source);
  }

  private static int decodeBase64(
      byte[] in, int from, int to, byte[] out, int at, String source, int lineNo) {
    int len = to - from;
    if (len == 0 || len % 4 != 0) {
      throw error(source, lineNo, "base64 token of " + len + " characters; expected a non-empty multiple of 4");
    }
    int pad = in[to - 1] == '=' ? (in[to - 2] == '=' ? 2 : 1) : 0;
    int start = at;
    for (int i = from; i < to; i += 4) {
      int bits = 0;
      for (int k = 0; k < 4; k++) {
        byte c = in[i + k];
        int v;
        if (c == '=' && i + 4 == to && k >= 4 - pad) {
          v = 0;
        } else {
          v = BASE64[c & 0xFF];
          if (v < 0) {
            throw error(source, lineNo, "invalid base64 character '" + (char) (c & 0xFF) + "' in token");
          }
        }
        bits = (bits << 6) | v;
      }
      out[at++] = (byte) (bits >>> 16);
      out[at++] = (byte) (bits >>> 8);
      out[at++] = (byte) bits;
    }
    return at - start - pad;
  }

  private static int parseRank(byte[] in, int from, int to, String source, int lineNo) {
    if (from == to || to - from > 9) {
      throw error(source, lineNo, "missing or oversized rank; expected a decimal number after the space");
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      int d = in[i] - '0';
      if (d < 0 || d > 9) {
        throw error(source, lineNo, "rank is not a decimal number");
      }
      value = value * 10 + d;
    }
    return value;
  }

  private static TokenizerException error(String source, int lineNo, String what) {
    return new TokenizerException(source + ":" + lineNo + ": " + what);
  }
}
