package io.github.gptoss4j.structured;

/**
 * The byte-level automaton of a JSON string's body (after the opening quote): escapes and well-formed UTF-8
 * (no overlong forms, no surrogates, nothing above U+10FFFF), one byte at a time, so a token may end in the
 * middle of a character or an escape. Its 13 states are small ints so per-vocabulary tables can index them.
 */
final class Utf8String {
  static final int PLAIN = 0; // between characters
  static final int ESCAPE = 1; // after a backslash
  static final int HEX_4 = 2; // after \\u, four hex digits to go; HEX_4 + k: 4 - k to go
  static final int CONT_1 = 6; // one continuation byte 80..BF to go
  static final int CONT_2 = 7;
  static final int CONT_3 = 8;
  static final int AFTER_E0 = 9; // two to go, the next A0..BF (no overlong 3-byte form)
  static final int AFTER_ED = 10; // two to go, the next 80..9F (no surrogates)
  static final int AFTER_F0 = 11; // three to go, the next 90..BF (no overlong 4-byte form)
  static final int AFTER_F4 = 12; // three to go, the next 80..8F (nothing above U+10FFFF)
  static final int STATES = 13;

  /** {@link #step}'s answer for the closing quote. */
  static final int CLOSE = -2;
  /** {@link #step}'s answer for a byte no string body can hold here. */
  static final int REJECT = -1;

  /** {@link #step} as a table, {@code [state << 8 | b]}, for the per-vocabulary tabulation. */
  private static final byte[] NEXT = new byte[STATES << 8];

  static {
    for (int state = 0; state < STATES; state++) {
      for (int b = 0; b < 256; b++) {
        NEXT[state << 8 | b] = (byte) step(state, b);
      }
    }
  }

  private Utf8String() {}

  /** As {@link #step}, by table lookup. */
  static int next(int state, int b) {
    return NEXT[state << 8 | b];
  }

  /** The state after byte {@code b} (0..255), or {@link #CLOSE} or {@link #REJECT}. */
  static int step(int state, int b) {
    return switch (state) {
      case PLAIN -> plain(b);
      case ESCAPE -> b == 'u' ? HEX_4 : "\"\\/bfnrt".indexOf(b) >= 0 ? PLAIN : REJECT;
      case HEX_4, HEX_4 + 1, HEX_4 + 2, HEX_4 + 3 -> isHex(b) ? (state == HEX_4 + 3 ? PLAIN : state + 1) : REJECT;
      case CONT_1 -> continuation(b, 0x80, 0xBF, PLAIN);
      case CONT_2 -> continuation(b, 0x80, 0xBF, CONT_1);
      case CONT_3 -> continuation(b, 0x80, 0xBF, CONT_2);
      case AFTER_E0 -> continuation(b, 0xA0, 0xBF, CONT_1);
      case AFTER_ED -> continuation(b, 0x80, 0x9F, CONT_1);
      case AFTER_F0 -> continuation(b, 0x90, 0xBF, CONT_2);
      case AFTER_F4 -> continuation(b, 0x80, 0x8F, CONT_2);
      default -> throw new IllegalArgumentException("string state " + state);
    };
  }

  /** Bytes still needed to finish the character or escape in progress. */
  static int pendingBytes(int state) {
    return switch (state) {
      case PLAIN -> 0;
      case ESCAPE, CONT_1 -> 1;
      case HEX_4, HEX_4 + 1, HEX_4 + 2, HEX_4 + 3 -> 4 - (state - HEX_4);
      case CONT_2, AFTER_E0, AFTER_ED -> 2;
      default -> 3;
    };
  }

  private static int plain(int b) {
    if (b == '"') {
      return CLOSE;
    }
    if (b == '\\') {
      return ESCAPE;
    }
    if (b < 0x20) {
      return REJECT; // control characters must be escaped
    }
    if (b < 0x80) {
      return PLAIN;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      return CONT_1;
    }
    if (b == 0xE0) {
      return AFTER_E0;
    }
    if (b == 0xED) {
      return AFTER_ED;
    }
    if (b >= 0xE1 && b <= 0xEF) {
      return CONT_2;
    }
    if (b == 0xF0) {
      return AFTER_F0;
    }
    if (b >= 0xF1 && b <= 0xF3) {
      return CONT_3;
    }
    return b == 0xF4 ? AFTER_F4 : REJECT;
  }

  private static int continuation(int b, int lo, int hi, int next) {
    return b >= lo && b <= hi ? next : REJECT;
  }

  private static boolean isHex(int b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
  }
}
