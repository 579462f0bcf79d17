package io.github.gptoss4j.harmony;

import io.github.gptoss4j.tokenizer.WhiteSpace;
import java.util.ArrayList;
import java.util.List;

/** Whitespace rules of harmony's header parsing (Rust's {@code char::is_whitespace}, {@code split_ascii_whitespace}). */
final class HeaderWords {

  private HeaderWords() {}

  /** Unicode White_Space, as Rust's {@code char::is_whitespace}. */
  static boolean isWhitespace(int cp) {
    return WhiteSpace.is(cp);
  }

  /** {@code text} without leading and trailing White_Space. */
  static String trim(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isWhitespace(text.codePointAt(start))) {
      start += Character.charCount(text.codePointAt(start));
    }
    while (end > start && isWhitespace(text.codePointBefore(end))) {
      end -= Character.charCount(text.codePointBefore(end));
    }
    return text.substring(start, end);
  }

  /** Words separated by ASCII whitespace (space, \t, \n, \f, \r), as Rust's {@code split_ascii_whitespace}. */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      while (i < text.length() && isAsciiWhitespace(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < text.length() && !isAsciiWhitespace(text.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(text.substring(start, i));
      }
    }
    return out;
  }

  private static boolean isAsciiWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  }
}
