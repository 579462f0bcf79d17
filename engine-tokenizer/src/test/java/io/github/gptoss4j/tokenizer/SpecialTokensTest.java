package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** o200k_harmony's special tokens with tiktoken's allowed/disallowed semantics. */
class SpecialTokensTest {
  private final Tokenizer tokenizer = Tokenizer.o200kHarmony();

  @ParameterizedTest
  @CsvSource({
    "<|startoftext|>, 199998", "<|endoftext|>, 199999", "<|reserved_200000|>, 200000",
    "<|reserved_200001|>, 200001", "<|return|>, 200002", "<|constrain|>, 200003",
    "<|reserved_200004|>, 200004", "<|channel|>, 200005", "<|start|>, 200006", "<|end|>, 200007",
    "<|message|>, 200008", "<|reserved_200009|>, 200009", "<|reserved_200011|>, 200011", "<|call|>, 200012",
    "<|reserved_200013|>, 200013", "<|endofprompt|>, 200018", "<|reserved_200019|>, 200019",
    "<|reserved_201087|>, 201087"
  })
  void namedIdsFollowOpenAisTable(String name, int id) {
    assertEquals(id, tokenizer.specialTokenId(name));
    assertTrue(tokenizer.isSpecial(id));
    assertArrayEquals(new int[] {id}, tokenizer.encode(name, AllowedSpecial.ALL));
    assertArrayEquals(name.getBytes(StandardCharsets.US_ASCII), tokenizer.tokenBytes(id));
    assertEquals(name, tokenizer.decode(new int[] {id}));
  }

  @Test
  void everyReservedIdIsASpecialToken() {
    for (int id = 200013; id < 201088; id++) {
      if (id != 200018) {
        assertEquals(id, tokenizer.specialTokenId("<|reserved_" + id + "|>"));
      }
    }
    assertEquals(201088, tokenizer.vocabSize());
    assertFalse(tokenizer.isSpecial(199997));
    assertFalse(tokenizer.isSpecial(201088));
  }

  @Test
  void noneTreatsSpecialStringsAsText() {
    String text = "<|start|>user<|message|>hi<|end|>";
    int[] ids = tokenizer.encode(text, AllowedSpecial.NONE);
    assertArrayEquals(tokenizer.encodeOrdinary(text), ids);
    for (int id : ids) {
      assertFalse(tokenizer.isSpecial(id));
    }
    assertEquals(text, tokenizer.decode(ids));
  }

  @Test
  void aGivenSetEncodesItsTokensAndRejectsOthersByName() {
    AllowedSpecial onlyStart = AllowedSpecial.of(Set.of("<|start|>"));
    int[] ids = tokenizer.encode("<|start|>user", onlyStart);
    assertEquals(200006, ids[0]);
    TokenizerException e =
        assertThrows(TokenizerException.class, () -> tokenizer.encode("<|start|>user<|end|>", onlyStart));
    assertTrue(e.getMessage().contains("<|end|>"), e.getMessage());
    assertTrue(
        assertThrows(TokenizerException.class, () -> tokenizer.encode("x<|reserved_200500|>", onlyStart))
            .getMessage()
            .contains("<|reserved_200500|>"));
  }

  @Test
  void unknownNamesAndIdsAreErrorsNamingThem() {
    assertTrue(
        assertThrows(TokenizerException.class, () -> tokenizer.specialTokenId("<|strat|>"))
            .getMessage()
            .contains("<|strat|>"));
    assertTrue(
        assertThrows(
                TokenizerException.class, () -> tokenizer.encode("x", AllowedSpecial.of(Set.of("<|bogus|>"))))
            .getMessage()
            .contains("<|bogus|>"));
    for (int bad : new int[] {-1, 201088, Integer.MAX_VALUE}) {
      TokenizerException e = assertThrows(TokenizerException.class, () -> tokenizer.decode(new int[] {1, bad}));
      assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
      assertThrows(TokenizerException.class, () -> tokenizer.tokenBytes(bad));
      assertThrows(TokenizerException.class, () -> tokenizer.streamingDecoder().feed(bad));
    }
  }

  @Test
  void textAroundSpecialTokensIsSplitAsSeparateSegments() {
    // tiktoken runs the split regex on the text between special tokens on its own, so the space before
    // <|end|> is a trailing space (\s+(?!\S) at the end), not the prefix of a following word.
    int[] ids = tokenizer.encode("hello <|end|>world<|start|>", AllowedSpecial.ALL);
    int[] hello = tokenizer.encodeOrdinary("hello ");
    int[] world = tokenizer.encodeOrdinary("world");
    int[] expected = new int[hello.length + world.length + 2];
    System.arraycopy(hello, 0, expected, 0, hello.length);
    expected[hello.length] = 200007;
    System.arraycopy(world, 0, expected, hello.length + 1, world.length);
    expected[expected.length - 1] = 200006;
    assertArrayEquals(expected, ids);
  }

  @Test
  void nearMissesOfSpecialStringsStayText() {
    for (String text : new String[] {"<|start|", "<|<|start|>", "<|start |>", "<| start|>", "<|START|>", "<|>", "<||>"}) {
      int[] ids = tokenizer.encode(text, AllowedSpecial.ALL);
      assertEquals(text, tokenizer.decode(ids));
      int specials = 0;
      for (int id : ids) {
        specials += tokenizer.isSpecial(id) ? 1 : 0;
      }
      assertEquals(text.equals("<|<|start|>") ? 1 : 0, specials, text);
    }
  }
}
