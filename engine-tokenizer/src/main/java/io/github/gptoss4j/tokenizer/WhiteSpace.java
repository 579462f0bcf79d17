package io.github.gptoss4j.tokenizer;

/**
 * Unicode's White_Space property (PropList.txt): what Rust's {@code char::is_whitespace} and its regex
 * {@code \s} match, and so what tiktoken's split pattern and harmony's header parsing treat as space. Java's
 * {@link Character#isWhitespace} differs (it excludes no-break spaces and includes separators).
 */
public final class WhiteSpace {
  private WhiteSpace() {}

  /**
   * Whether code point {@code cp} has the White_Space property.
   *
   * @param cp a Unicode code point (not a UTF-16 char); any int is accepted
   * @return true if {@code cp} is White_Space, false otherwise (also for invalid code points)
   */
  public static boolean is(int cp) {
    return (cp >= 0x09 && cp <= 0x0D)
        || cp == 0x20
        || cp == 0x85
        || cp == 0xA0
        || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028
        || cp == 0x2029
        || cp == 0x202F
        || cp == 0x205F
        || cp == 0x3000;
  }
}
