package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written scanner splits exactly as o200k's regex does (run by java.util.regex). */
class SplitPatternTest {
  /** Every code point but the surrogates, in order. */
  private static final String EVERY_CODE_POINT =
      java.util.stream.IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
          .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
          .toString();

  static List<String> scan(String text) {
    List<String> pieces = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int end = PieceScanner.pieceEnd(text, i, text.length());
      pieces.add(text.substring(i, end));
      i = end;
    }
    return pieces;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hello, world!", "I'm here, you're there", "DON'T SHOUT, IT'S LOUD", "O'Neil's", "it'ſ", "IT'ſ",
        "x're're", "x'l'll'LL", "1234567", "  two leading", "trailing  ", "a  \n\n  b", "a \r\n\r\n b",
        "\n\n", "  ", " ", "a\t\tb", "foo/\n/bar", "...\n\n", " !?/\r\n", "HTTPRequest", "ǅungla", "ʰʳabc",
        "é́́", "\u0301abc", "\u0301ABC", "\u0301", " \u0301", "ABC\u0301def", "ＡＢＣｄｅｆ", "𝐀𝐁𝐂𝐚𝐛", "😀😀 👍🏽",
        "中文 テスト", "क्षत्रिय", "ภาษาไทย", "x\u00A0y", "x\u0085\u0085y", "\u3000\u3000x", "x\u001Cy",
        "\uD800abc", "ab\uDC00", "\uDBFF\uDFFF", "<|start|>user<|message|>"
      })
  void matchesRegexOnEdgeCases(String text) {
    assertEquals(ReferenceSplit.split(text), scan(text));
  }

  @Test
  void matchesRegexOnRandomText() {
    RandomText random = new RandomText(20261125L);
    for (int i = 0; i < 10_000; i++) {
      String text = random.next(24, true);
      assertEquals(ReferenceSplit.split(text), scan(text), () -> "text: " + escape(text));
    }
  }

  /** Each class of the pattern, as java.util.regex sees it, against the scanner's flags for every code point. */
  @ParameterizedTest
  @CsvSource({
    "1,  [\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]",
    "2,  [\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]",
    "4,  \\p{N}",
    "8,  \\s",
    "16, [\\r\\n]",
    "32, [^\\r\\n\\p{L}\\p{N}]",
    "64, [^\\s\\p{L}\\p{N}]"
  })
  void classifiesEveryCodePointAsTheRegexDoes(int flag, String charClass) {
    Pattern single = Pattern.compile(ReferenceSplit.javaSyntax(charClass));
    BitSet matched = new BitSet();
    Matcher m = single.matcher(EVERY_CODE_POINT);
    while (m.find()) {
      matched.set(EVERY_CODE_POINT.codePointAt(m.start()));
    }
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
        boolean scanner = (CharClass.ofCodePoint(cp) & flag) != 0;
        if (scanner != matched.get(cp)) {
          assertEquals(matched.get(cp), scanner, charClass + " on U+" + Integer.toHexString(cp));
        }
      }
    }
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().forEach(cp -> sb.append(cp < 0x7F && cp >= 0x20 ? Character.toString(cp) : String.format("\\u{%X}", cp)));
    return sb.toString();
  }
}
