package io.github.gptoss4j.tokenizer;

import static io.github.gptoss4j.tokenizer.CharClass.LOWER;
import static io.github.gptoss4j.tokenizer.CharClass.NEWLINE;
import static io.github.gptoss4j.tokenizer.CharClass.NUMBER;
import static io.github.gptoss4j.tokenizer.CharClass.PREFIX;
import static io.github.gptoss4j.tokenizer.CharClass.PUNCT;
import static io.github.gptoss4j.tokenizer.CharClass.SPACE;
import static io.github.gptoss4j.tokenizer.CharClass.UPPER;

/**
 * A hand-written equivalent of o200k's split regex, tried alternative by alternative with the regex's
 * leftmost-first and backtracking semantics:
 *
 * <pre>
 * 1 [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 2 [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 3 \p{N}{1,3}
 * 4  ?[^\s\p{L}\p{N}]+[\r\n/]*
 * 5 \s*[\r\n]+
 * 6 \s+(?!\S)
 * 7 \s+
 * </pre>
 *
 * It works on UTF-16 indices of the Java string; a surrogate pair is one code point and a lone surrogate is
 * classified as U+FFFD, the character it is encoded as. Every character is matched by some alternative, so
 * consecutive pieces cover the text. Correctness is checked against {@link java.util.regex.Pattern} in the
 * tests.
 */
final class PieceScanner {
  private static final int WIDTH_SHIFT = 8;

  private PieceScanner() {}

  /** The end (exclusive) of the piece that starts at {@code i}, for {@code i < n}. */
  static int pieceEnd(CharSequence s, int i, int n) {
    int f = info(s, i, n);
    if ((f & (PREFIX | UPPER | LOWER)) != 0) {
      int end = word(s, i, n, true);
      if (end < 0) {
        end = word(s, i, n, false);
      }
      if (end < 0) {
        end = capitalised(s, i, n, true);
      }
      if (end < 0) {
        end = capitalised(s, i, n, false);
      }
      if (end >= 0) {
        return end;
      }
    }
    if ((f & NUMBER) != 0) {
      int end = i + (f >>> WIDTH_SHIFT);
      for (int count = 1; count < 3 && end < n; count++) {
        int g = info(s, end, n);
        if ((g & NUMBER) == 0) {
          break;
        }
        end += g >>> WIDTH_SHIFT;
      }
      return end;
    }
    int punct = punctuation(s, i, n, f);
    if (punct >= 0) {
      return punct;
    }
    return whitespace(s, i, n);
  }

  /** Alternative 1: optional prefix, upper-ish run, then at least one lower-ish char, contraction. */
  private static int word(CharSequence s, int i, int n, boolean withPrefix) {
    int j = withPrefix ? afterPrefix(s, i, n) : i;
    if (j < 0) {
      return -1;
    }
    // Greedy upper-ish run; remember the last char in it that is lower-ish too, where the regex's
    // backtracking lands when the char after the run is not lower-ish.
    int k = j;
    int lastBothEnd = -1;
    while (k < n) {
      int f = info(s, k, n);
      if ((f & UPPER) == 0) {
        break;
      }
      k += f >>> WIDTH_SHIFT;
      if ((f & LOWER) != 0) {
        lastBothEnd = k;
      }
    }
    int end;
    if (k < n && (info(s, k, n) & LOWER) != 0) {
      end = run(s, k, n, LOWER);
    } else if (lastBothEnd >= 0) {
      end = lastBothEnd;
    } else {
      return -1;
    }
    return contraction(s, end, n);
  }

  /** Alternative 2: optional prefix, at least one upper-ish char, lower-ish run, contraction. */
  private static int capitalised(CharSequence s, int i, int n, boolean withPrefix) {
    int j = withPrefix ? afterPrefix(s, i, n) : i;
    if (j < 0) {
      return -1;
    }
    int k = run(s, j, n, UPPER);
    if (k == j) {
      return -1;
    }
    return contraction(s, run(s, k, n, LOWER), n);
  }

  /** The index after {@code [^\r\n\p{L}\p{N}]} at {@code i}, or -1 if that char is not such a prefix. */
  private static int afterPrefix(CharSequence s, int i, int n) {
    int f = info(s, i, n);
    return (f & PREFIX) == 0 ? -1 : i + (f >>> WIDTH_SHIFT);
  }

  /** Alternative 4: optional space, at least one punctuation char, then any of {@code \r \n /}. */
  private static int punctuation(CharSequence s, int i, int n, int f) {
    int j = i;
    if (s.charAt(i) == ' ') {
      j++;
      if (j == n || (info(s, j, n) & PUNCT) == 0) {
        return -1;
      }
    } else if ((f & PUNCT) == 0) {
      return -1;
    }
    int k = run(s, j, n, PUNCT);
    while (k < n) {
      char c = s.charAt(k);
      if (c != '\r' && c != '\n' && c != '/') {
        break;
      }
      k++;
    }
    return k;
  }

  /** Alternatives 5, 6 and 7 on a whitespace run (all White_Space chars are in the BMP). */
  private static int whitespace(CharSequence s, int i, int n) {
    int k = i;
    int lastNewline = -1;
    while (k < n) {
      int f = CharClass.ofChar(s.charAt(k));
      if ((f & SPACE) == 0) {
        break;
      }
      if ((f & NEWLINE) != 0) {
        lastNewline = k;
      }
      k++;
    }
    if (k == i) {
      throw new IllegalStateException("split pattern matched nothing at index " + i);
    }
    if (lastNewline >= 0) {
      return lastNewline + 1;
    }
    if (k == n || k - 1 == i) {
      return k;
    }
    return k - 1;
  }

  /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)?} at {@code k}, with Unicode case folding (ſ folds to s). */
  private static int contraction(CharSequence s, int k, int n) {
    if (k + 1 >= n || s.charAt(k) != '\'') {
      return k;
    }
    char c = s.charAt(k + 1);
    switch (c) {
      case 's', 'S', 'ſ', 't', 'T', 'm', 'M', 'd', 'D' -> {
        return k + 2;
      }
      case 'r', 'R', 'v', 'V' -> {
        return k + 2 < n && (s.charAt(k + 2) | 0x20) == 'e' ? k + 3 : k;
      }
      case 'l', 'L' -> {
        return k + 2 < n && (s.charAt(k + 2) | 0x20) == 'l' ? k + 3 : k;
      }
      default -> {
        return k;
      }
    }
  }

  private static int run(CharSequence s, int k, int n, int mask) {
    while (k < n) {
      int f = info(s, k, n);
      if ((f & mask) == 0) {
        break;
      }
      k += f >>> WIDTH_SHIFT;
    }
    return k;
  }

  /** The class flags of the code point at {@code i}, with its UTF-16 width above {@link #WIDTH_SHIFT}. */
  private static int info(CharSequence s, int i, int n) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < n) {
      char d = s.charAt(i + 1);
      if (Character.isLowSurrogate(d)) {
        return CharClass.ofCodePoint(Character.toCodePoint(c, d)) | (2 << WIDTH_SHIFT);
      }
    }
    return CharClass.ofChar(c) | (1 << WIDTH_SHIFT);
  }
}
