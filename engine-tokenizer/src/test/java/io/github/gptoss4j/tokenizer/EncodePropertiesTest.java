package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Properties that hold for any text: round trip, piecewise encoding, lone surrogates, thread safety. */
class EncodePropertiesTest {
  private final Tokenizer tokenizer = Tokenizer.o200kHarmony();

  @Test
  void decodeOfEncodeGivesTheTextBackForEveryScript() {
    RandomText random = new RandomText(1);
    for (int round = 0; round < 2_000; round++) {
      String text = round % 2 == 0 ? random.script(40) : random.next(40, false);
      int[] ids = tokenizer.encodeOrdinary(text);
      assertEquals(text, tokenizer.decode(ids), () -> SplitPatternTest.escape(text));
      assertEquals(text, tokenizer.decodeStrict(ids));
    }
  }

  @Test
  void encodingAtOnceEqualsEncodingPieceByPiece() {
    RandomText random = new RandomText(2);
    for (int round = 0; round < 1_000; round++) {
      String text = round % 2 == 0 ? random.script(60) : random.next(60, true);
      List<Integer> piecewise = new ArrayList<>();
      for (String piece : ReferenceSplit.split(text)) {
        for (int id : tokenizer.encodeOrdinary(piece)) {
          piecewise.add(id);
        }
      }
      assertArrayEquals(
          piecewise.stream().mapToInt(Integer::intValue).toArray(),
          tokenizer.encodeOrdinary(text),
          () -> SplitPatternTest.escape(text));
    }
  }

  @Test
  void loneSurrogatesAreEncodedAsReplacementCharacters() {
    for (String text : new String[] {"a\uD800b", "\uDC00", "x\uDBFF", "\uDFFF\uD800", "😀\uD83D"}) {
      String replaced = ReferenceSplit.replaceLoneSurrogates(text);
      assertArrayEquals(tokenizer.encodeOrdinary(replaced), tokenizer.encodeOrdinary(text));
      assertEquals(replaced, tokenizer.decode(tokenizer.encode(text, AllowedSpecial.ALL)));
    }
  }

  @Test
  void emptyTextHasNoTokens() {
    assertEquals(0, tokenizer.encodeOrdinary("").length);
    assertEquals(0, tokenizer.encode("", AllowedSpecial.ALL).length);
    assertEquals("", tokenizer.decode(new int[0]));
  }

  @Test
  void resultsDoNotDependOnThreads() throws Exception {
    RandomText random = new RandomText(3);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add(random.next(200, true));
    }
    List<int[]> sequential = texts.stream().map(tokenizer::encodeOrdinary).toList();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<int[]>> parallel = new ArrayList<>();
      for (String text : texts) {
        parallel.add(pool.submit(() -> tokenizer.encodeOrdinary(text)));
      }
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(sequential.get(i), parallel.get(i).get());
      }
    }
  }
}
