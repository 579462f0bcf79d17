package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lossy, strict and streaming decoding of token bytes that are not always valid UTF-8. */
class DecodeTest {
  private final Tokenizer tokenizer = Tokenizer.o200kHarmony();

  /** The ids of the single-byte tokens spelling {@code bytes}. */
  private int[] byteTokens(byte[] bytes) {
    int[] ids = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ids[i] = tokenizer.ranks().rank(bytes, i, 1);
    }
    return ids;
  }

  /** Expected strings from Python's {@code bytes.decode("utf-8", "replace")}, which tiktoken's decode uses. */
  @ParameterizedTest
  @CsvSource({
    "eda080, fffd fffd fffd",
    "f09f98, fffd",
    "c080, fffd fffd",
    "e28241, fffd 41",
    "f4908080, fffd fffd fffd fffd",
    "f09f988080, 1f600 fffd",
    "61ff62, 61 fffd 62",
    "e080af, fffd fffd fffd",
    "f09ff09f9880, fffd 1f600"
  })
  void invalidBytesBecomeOneReplacementPerMaximalSubpart(String hex, String codePoints) {
    StringBuilder expected = new StringBuilder();
    for (String cp : codePoints.split(" ")) {
      expected.appendCodePoint(Integer.parseInt(cp, 16));
    }
    int[] ids = byteTokens(HexFormat.of().parseHex(hex));
    assertEquals(expected.toString(), tokenizer.decode(ids));
    TokenizerException e = assertThrows(TokenizerException.class, () -> tokenizer.decodeStrict(ids));
    assertTrue(e.getMessage().contains("UTF-8 at byte"), e.getMessage());
    StreamingDecoder stream = tokenizer.streamingDecoder();
    StringBuilder streamed = new StringBuilder();
    for (int id : ids) {
      streamed.append(stream.feed(id));
    }
    assertEquals(expected.toString(), streamed.append(stream.flush()).toString());
  }

  @Test
  void strictDecodeNamesTheOffset() {
    int[] ids = byteTokens(HexFormat.of().parseHex("616263f09f"));
    TokenizerException e = assertThrows(TokenizerException.class, () -> tokenizer.decodeStrict(ids));
    assertTrue(e.getMessage().contains("at byte 3 of 5"), e.getMessage());
  }

  @Test
  void streamingHoldsBackPartialCharacters() {
    int[] ids = byteTokens(HexFormat.of().parseHex("41f09f988042"));
    StreamingDecoder stream = tokenizer.streamingDecoder();
    String[] expected = {"A", "", "", "", "😀", "B"};
    for (int i = 0; i < ids.length; i++) {
      assertEquals(expected[i], stream.feed(ids[i]), "after token " + i);
    }
    assertEquals("", stream.flush());
    // An unfinished character at the end comes out as U+FFFD on flush.
    assertEquals("", stream.feed(ids[1]));
    assertEquals("\uFFFD", stream.flush());
  }

  @Test
  void streamingOfRandomIdsEqualsDecodingAtOnce() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      int[] ids = new int[random.nextInt(40)];
      for (int i = 0; i < ids.length; i++) {
        // Mostly high ids: many of them are fragments of multi-byte characters.
        ids[i] = random.nextInt(10) == 0 ? 200000 + random.nextInt(1088) : random.nextInt(199998);
      }
      StreamingDecoder stream = tokenizer.streamingDecoder();
      StringBuilder text = new StringBuilder();
      for (int id : ids) {
        text.append(stream.feed(id));
      }
      assertEquals(tokenizer.decode(ids), text.append(stream.flush()).toString());
    }
  }

  @Test
  void streamingOfEncodedTextGivesTheTextBack() {
    RandomText random = new RandomText(11);
    for (int round = 0; round < 300; round++) {
      String text = random.next(30, false);
      StreamingDecoder stream = tokenizer.streamingDecoder();
      StringBuilder out = new StringBuilder();
      for (int id : tokenizer.encodeOrdinary(text)) {
        String piece = stream.feed(id);
        assertTrue(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)));
        out.append(piece);
      }
      assertEquals(text, out.append(stream.flush()).toString());
    }
  }
}
