package io.github.gptoss4j.tokenizer;

/**
 * The character classes of o200k's split pattern, as bit flags per code point. A lookup table covers the
 * BMP; astral code points are classified on the fly. {@code \s} is Unicode White_Space, as in Rust's regex
 * (not Java's ASCII-only default and not {@link Character#isWhitespace}, which differ on U+001C..U+001F,
 * U+0085, U+00A0, U+2007 and U+202F).
 */
final class CharClass {
  /** {@code [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]}: may start a capitalised word. */
  static final int UPPER = 1;
  /** {@code [\p{Ll}\p{Lm}\p{Lo}\p{M}]}: may continue a word. */
  static final int LOWER = 2;
  /** {@code \p{N}}. */
  static final int NUMBER = 4;
  /** {@code \s}. */
  static final int SPACE = 8;
  /** {@code [\r\n]}. */
  static final int NEWLINE = 16;
  /** {@code [^\r\n\p{L}\p{N}]}: the optional one-character prefix of a word. */
  static final int PREFIX = 32;
  /** {@code [^\s\p{L}\p{N}]}: punctuation and symbols. */
  static final int PUNCT = 64;

  private static final byte[] BMP = new byte[0x10000];

  static {
    for (int c = 0; c < 0x10000; c++) {
      BMP[c] = (byte) compute(Character.isSurrogate((char) c) ? 0xFFFD : c);
    }
  }

  private CharClass() {}

  /** Flags of a BMP char; a surrogate gets U+FFFD's flags (lone surrogates are encoded as U+FFFD). */
  static int ofChar(char c) {
    return BMP[c];
  }

  static int ofCodePoint(int cp) {
    return cp < 0x10000 ? BMP[cp] : compute(cp);
  }

  private static int compute(int cp) {
    boolean letter;
    int flags;
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> {
        flags = UPPER;
        letter = true;
      }
      case Character.LOWERCASE_LETTER -> {
        flags = LOWER;
        letter = true;
      }
      case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> {
        flags = UPPER | LOWER;
        letter = true;
      }
      case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> {
        flags = UPPER | LOWER;
        letter = false;
      }
      case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> {
        flags = NUMBER;
        letter = false;
      }
      default -> {
        flags = 0;
        letter = false;
      }
    }
    if (isWhiteSpace(cp)) {
      flags |= SPACE;
    }
    if (cp == '\r' || cp == '\n') {
      flags |= NEWLINE;
    }
    boolean number = (flags & NUMBER) != 0;
    if (!letter && !number && (flags & NEWLINE) == 0) {
      flags |= PREFIX;
    }
    if (!letter && !number && (flags & SPACE) == 0) {
      flags |= PUNCT;
    }
    return flags;
  }

  /** Unicode's White_Space property, which Rust's {@code \s} matches. */
  static boolean isWhiteSpace(int cp) {
    return WhiteSpace.is(cp);
  }
}
