package io.github.gptoss4j.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 in both directions with the exact rules tiktoken relies on: lone surrogates are encoded as U+FFFD
 * (Python's tiktoken replaces them before encoding), and invalid bytes decode to one U+FFFD per maximal
 * subpart, as Python's {@code decode("utf-8", "replace")} and Rust's {@code from_utf8_lossy} do.
 */
final class Utf8 {
  /** {@link #scan} result flag: a valid but unfinished sequence that runs into the end of the input. */
  static final int INCOMPLETE = 1 << 16;

  private Utf8() {}

  /** Encodes {@code s[from .. to)} into {@code dst} at {@code at} (room for 3 bytes a char); returns the end. */
  static int encode(CharSequence s, int from, int to, byte[] dst, int at) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[at++] = (byte) c;
      } else if (c < 0x800) {
        dst[at++] = (byte) (0xC0 | (c >>> 6));
        dst[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          dst[at++] = (byte) (0xF0 | (cp >>> 18));
          dst[at++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
          dst[at++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
          dst[at++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          dst[at++] = (byte) 0xEF; // U+FFFD for a lone surrogate
          dst[at++] = (byte) 0xBF;
          dst[at++] = (byte) 0xBD;
        }
      } else {
        dst[at++] = (byte) (0xE0 | (c >>> 12));
        dst[at++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        dst[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return at;
  }

  /**
   * Classifies the sequence at {@code b[i]}: its length if valid; {@code -k} if invalid, k being the
   * maximal subpart to replace by one U+FFFD; {@code INCOMPLETE | k} if its k bytes are a valid start cut
   * off by {@code end}.
   */
  static int scan(byte[] b, int i, int end) {
    int b0 = b[i] & 0xFF;
    if (b0 < 0x80) {
      return 1;
    }
    int need;
    int lo = 0x80;
    int hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      need = 2;
      if (b0 == 0xE0) {
        lo = 0xA0; // no overlong 3-byte forms
      } else if (b0 == 0xED) {
        hi = 0x9F; // no surrogates
      }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      need = 3;
      if (b0 == 0xF0) {
        lo = 0x90; // no overlong 4-byte forms
      } else if (b0 == 0xF4) {
        hi = 0x8F; // nothing above U+10FFFF
      }
    } else {
      return -1;
    }
    for (int k = 1; k <= need; k++) {
      if (i + k >= end) {
        return INCOMPLETE | k;
      }
      int c = b[i + k] & 0xFF;
      if (k == 1 ? c < lo || c > hi : c < 0x80 || c > 0xBF) {
        return -k;
      }
    }
    return need + 1;
  }

  /** The offset of the first invalid or cut-off sequence in {@code b[0 .. end)}, or -1 if all is valid. */
  static int firstInvalid(byte[] b, int end) {
    int i = 0;
    while (i < end) {
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int r = scan(b, i, end);
      if (r < 0 || r >= INCOMPLETE) {
        return i;
      }
      i += r;
    }
    return -1;
  }

  /** Decodes {@code b[0 .. end)}, replacing each maximal invalid subpart by U+FFFD. */
  static String decodeLossy(byte[] b, int end) {
    if (firstInvalid(b, end) < 0) {
      return new String(b, 0, end, StandardCharsets.UTF_8);
    }
    StringBuilder sb = new StringBuilder(end);
    int i = 0;
    while (i < end) {
      int r = scan(b, i, end);
      if (r > 0 && r < INCOMPLETE) {
        appendCodePoint(sb, b, i, r);
        i += r;
      } else {
        sb.append('\uFFFD');
        i += r < 0 ? -r : r - INCOMPLETE;
      }
    }
    return sb.toString();
  }

  private static void appendCodePoint(StringBuilder sb, byte[] b, int i, int len) {
    int cp =
        switch (len) {
          case 1 -> b[i];
          case 2 -> ((b[i] & 0x1F) << 6) | (b[i + 1] & 0x3F);
          case 3 -> ((b[i] & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
          default ->
              ((b[i] & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
        };
    sb.appendCodePoint(cp);
  }
}
