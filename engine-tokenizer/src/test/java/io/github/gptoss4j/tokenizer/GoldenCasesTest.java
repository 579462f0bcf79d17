package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every public golden case, ids and round trip, with the embedded encoding. */
class GoldenCasesTest {
  static List<GoldenCases> cases() throws IOException {
    return GoldenCases.load();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void embeddedEncodingMatchesTiktoken(GoldenCases c) {
    Tokenizer tokenizer = Tokenizer.o200kHarmony();
    assertArrayEquals(c.ids(), tokenizer.encode(c.text(), c.allowed()), c.toString());
    if (c.roundtrip()) {
      assertEquals(c.text(), tokenizer.decode(c.ids()));
      assertEquals(c.text(), tokenizer.decodeStrict(c.ids()));
    }
  }
}
