package io.github.gptoss4j.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.gptoss4j.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Token masks over the real o200k_harmony vocabulary: a "model" that picks uniformly among the allowed tokens
 * (so it tries every odd token: multi-byte characters split across tokens, tokens spanning values) always
 * writes a document that parses and validates, and closes it within its token budget.
 */
class JsonMaskerTest {
  private static final Vocabulary VOCABULARY = Vocabulary.of(Tokenizer.o200kHarmony());

  /** Tokens picked uniformly among the allowed ones until the document is complete; the text. */
  static String generate(String schema, long seed, int maxTokens) {
    JsonMasker masker = new JsonMasker(new JsonAutomaton(JsonSchema.parse(schema).grammar()), VOCABULARY);
    Threads state = new Threads();
    state.add(new JsonAutomaton(JsonSchema.parse(schema).grammar()).start());
    long[] allowed = new long[Vocabulary.words(VOCABULARY.size)];
    SplittableRandom random = new SplittableRandom(seed);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    for (int used = 0; ; used++) {
      if (state.anyComplete()) {
        return text.toString(StandardCharsets.UTF_8);
      }
      int remaining = maxTokens - used;
      if (remaining < 2) {
        fail("seed " + seed + ": no room left to close " + text.toString(StandardCharsets.UTF_8));
      }
      masker.allowed(state, remaining - 2, allowed);
      int token = pick(allowed, random);
      if (token < 0) {
        fail("seed " + seed + ": no token allowed after " + text.toString(StandardCharsets.UTF_8));
      }
      byte[] bytes = VOCABULARY.bytes[token];
      text.writeBytes(bytes);
      Threads next = new Threads();
      masker.advance(state, bytes, next);
      assertTrue(next.size() > 0, "an allowed token was rejected");
      state = next;
    }
  }


  private static int pick(long[] allowed, SplittableRandom random) {
    int count = 0;
    for (long w : allowed) {
      count += Long.bitCount(w);
    }
    if (count == 0) {
      return -1;
    }
    int k = random.nextInt(count);
    for (int w = 0; w < allowed.length; w++) {
      int bits = Long.bitCount(allowed[w]);
      if (k < bits) {
        long word = allowed[w];
        for (int i = 0; i < k; i++) {
          word &= word - 1;
        }
        return (w << 6) + Long.numberOfTrailingZeros(word);
      }
      k -= bits;
    }
    throw new AssertionError();
  }

  @ParameterizedTest(name = "{0}, {1} tokens")
  @CsvSource(delimiter = '|', textBlock = """
      person          | 40
      person          | 400
      bounded array   | 30
      bounded array   | 300
      enums           | 25
      anyOf           | 25
      anyOf           | 200
      recursive $ref  | 20
      recursive $ref  | 300
      """)
  void randomTokensAlwaysMakeAValidDocumentWithinTheBudget(String name, int maxTokens) {
    String schema = Schemas.ALL.get(name);
    for (long seed = 0; seed < 12; seed++) {
      String document = generate(schema, seed, maxTokens);
      assertNull(Schemas.problems(schema, document), "seed " + seed + ": " + document);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      true
      {"type": "object"}
      {"type": "array", "items": {"type": ["string", "number"]}}
      """)
  void anyJsonIsValidJson(String schema) {
    for (long seed = 0; seed < 12; seed++) {
      String document = generate(schema, seed, 60);
      assertNull(Schemas.problems(schema, document), "seed " + seed + ": " + document);
    }
  }

  @ParameterizedTest(name = "{0} tokens")
  @CsvSource({"14", "15", "16"})
  void theTightestBudgetStillCloses(int maxTokens) {
    // The shortest person is 44 bytes but far fewer tokens: steering counts bytes, which is safe, and the
    // vocabulary's multi-byte tokens leave room; below the byte count it steers to the shortest path at once.
    String schema = Schemas.PERSON;
    for (long seed = 0; seed < 6; seed++) {
      String document = generate(schema, seed, maxTokens);
      assertNull(Schemas.problems(schema, document), document);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"type": "string", "minLength": 3, "maxLength": 3}
      {"type": "string", "maxLength": 0}
      """)
  void stringLengthsCountCodePoints(String schema) {
    for (long seed = 0; seed < 20; seed++) {
      String document = generate(schema, seed, 30);
      assertNull(Schemas.problems(schema, document), document);
      String value = document.substring(1, document.length() - 1);
      assertEquals(schema.contains("\"minLength\": 3") ? 3 : 0, value.codePointCount(0, value.length()) - escapes(value), document);
    }
  }

  private static int escapes(String body) {
    int extra = 0;
    for (int i = 0; i < body.length(); i++) {
      if (body.charAt(i) == '\\') {
        int len = body.charAt(i + 1) == 'u' ? 6 : 2;
        extra += len - 1;
        i += len - 1;
      }
    }
    return extra;
  }
}
