package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Long pieces: the heap merge picks the same pairs as tiktoken's array scan, without quadratic cost. */
class LongPieceTest {
  private final Tokenizer tokenizer = Tokenizer.o200kHarmony();

  private int[] merge(byte[] piece, int longPiece) {
    BytePairEncoder encoder = new BytePairEncoder(tokenizer.ranks(), longPiece);
    System.arraycopy(piece, 0, encoder.buffer(piece.length), 0, piece.length);
    IntList out = new IntList(16);
    encoder.encode(piece.length, out);
    return out.toArray();
  }

  @Test
  void heapAndArrayScanAgree() {
    Random random = new Random(5);
    String[] alphabets = {"a", "ab", "abc ", "zzzq", "ééa", "中文字", "0123", "\t\t ", "-=", "😀a"};
    for (int round = 0; round < 60; round++) {
      String alphabet = alphabets[round % alphabets.length];
      int codePoints = alphabet.codePointCount(0, alphabet.length());
      StringBuilder sb = new StringBuilder();
      int length = 1 + random.nextInt(round < 40 ? 300 : 3000);
      for (int i = 0; i < length; i++) {
        sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(codePoints))));
      }
      byte[] piece = sb.toString().getBytes(StandardCharsets.UTF_8);
      int[] byArray = merge(piece, Integer.MAX_VALUE - 1);
      int[] byHeap = merge(piece, 0);
      assertArrayEquals(byArray, byHeap, sb.toString());
    }
  }

  @Test
  void fiftyKilobyteWordOfOneCharacterRoundTrips() {
    for (String c : new String[] {"a", "é", "😀", " ", "1", "!"}) {
      String text = c.repeat(50_000 / c.length());
      int[] ids = tokenizer.encodeOrdinary(text);
      assertEquals(text, tokenizer.decode(ids));
      assertTrue(ids.length < text.getBytes(StandardCharsets.UTF_8).length, "merged into multi-byte tokens");
    }
  }
}
