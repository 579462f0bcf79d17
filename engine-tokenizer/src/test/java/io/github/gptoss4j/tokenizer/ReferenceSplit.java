package io.github.gptoss4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * o200k's split regex run by java.util.regex, the reference the scanner is checked against. Rust's regex
 * semantics are spelled out for Java: {@code \s} is Unicode White_Space (Java's default {@code \s} is ASCII
 * only), and {@code (?i)} folds Unicode case ({@code 'ſ} matches {@code 's}).
 */
final class ReferenceSplit {
  private static final String WS = "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
  static final Pattern PATTERN = Pattern.compile(javaSyntax(TokenizerJson.O200K_PATTERN));

  private ReferenceSplit() {}

  /** A regex in Rust's syntax rewritten so that java.util.regex gives it the same meaning. */
  static String javaSyntax(String rustRegex) {
    return rustRegex
        .replace("[^\\s\\p{L}\\p{N}]", "[^" + WS + "\\p{L}\\p{N}]")
        .replace("\\S", "[^" + WS + "]")
        .replace("\\s", "[" + WS + "]")
        .replace("(?i:", "(?iu:");
  }

  /** The pieces of {@code text}, lone surrogates first replaced by U+FFFD as tiktoken does. */
  static List<String> split(String text) {
    String clean = replaceLoneSurrogates(text);
    List<String> pieces = new ArrayList<>();
    Matcher m = PATTERN.matcher(clean);
    int last = 0;
    while (m.find()) {
      if (m.start() != last) {
        throw new AssertionError("regex skipped text at " + last);
      }
      pieces.add(text.substring(m.start(), m.end()));
      last = m.end();
    }
    return pieces;
  }

  static String replaceLoneSurrogates(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        sb.append(c).append(text.charAt(++i));
      } else {
        sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return sb.toString();
  }
}
