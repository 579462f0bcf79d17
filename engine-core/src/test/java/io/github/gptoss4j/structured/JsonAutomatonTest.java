package io.github.gptoss4j.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.gptoss4j.structured.JsonAutomaton.Thread;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The byte automaton agrees with an independent validator: it accepts exactly the documents networknt
 * validates (for schemas whose every valid document is one the automaton may write), byte by byte.
 */
class JsonAutomatonTest {

  /** Whether the automaton reads all of {@code document} and may end there. */
  static boolean accepts(String schema, String document) {
    JsonAutomaton automaton = new JsonAutomaton(JsonSchema.parse(schema).grammar());
    Threads state = new Threads();
    state.add(automaton.start());
    for (byte b : document.getBytes(StandardCharsets.UTF_8)) {
      Threads next = new Threads();
      for (int i = 0; i < state.size(); i++) {
        automaton.step(state.get(i), b & 0xFF, next);
      }
      state = next;
    }
    for (int i = 0; i < state.size(); i++) {
      if (state.get(i).complete()) {
        return true;
      }
    }
    return false;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      person | {"name":"Ann","age":31,"address":{"city":"Oslo"}}
      person | { "age" : -0 , "name" : "Åsa 🎉", "address" : {"zip":"0150","city":""} }
      person | {"name":"A\\u00e9\\n","age":7,"email":"a@b.c","address":{"city":"x"}}
      person | {"name":"","age":1,"address":{"city":"x"}}
      person | {"name":"Ann","age":1.5,"address":{"city":"x"}}
      person | {"name":"Ann","age":1,"address":{"city":"x","zip":"123456"}}
      person | {"name":"Ann","age":1}
      person | {"name":"Ann","age":01,"address":{"city":"x"}}
      person | {"name":"Ann","age":1,"address":{"city":"x"}} x
      bounded array | {"tags":["a","b"],"scores":[1e3,-2.5E-1,0]}
      bounded array | {"tags":["a","b","c","d"],"scores":[]}
      bounded array | {"tags":["a"],"scores":[]}
      bounded array | {"tags":["a","b"],"scores":[1,2,3,4,5]}
      bounded array | {"tags":["a","123456789"],"scores":[]}
      enums | {"color":"green","size":100,"flag":false,"kind":"fixed"}
      enums | {"color":"green","size":1000,"flag":false}
      enums | {"color":"green","size":"big","flag":true}
      enums | {"color":"pink","size":1,"flag":true}
      anyOf | {"value":"abcd","items":[{"a":true},{"b":"x"}]}
      anyOf | {"value":null,"items":[]}
      anyOf | {"value":42,"items":[{"a":true,"b":"x"}]}
      anyOf | {"value":"abcde","items":[]}
      recursive $ref | {"label":"root","children":[{"label":"a"},{"label":"b","children":[{"label":"c","children":[]}]}]}
      recursive $ref | {"label":"root","children":[{"label":"a"},{"label":"b"},{"label":"c"}]}
      recursive $ref | {"label":"root","children":[{"children":[]}]}
      """)
  void acceptsExactlyWhatTheValidatorAccepts(String name, String document) {
    String schema = Schemas.ALL.get(name);
    boolean valid = Schemas.problems(schema, document) == null;
    assertEquals(valid, accepts(schema, document), document + (valid ? " is valid" : " is invalid"));
  }

  @Test
  void aPropertyIsWrittenAtMostOnce() {
    // Parsers disagree on duplicate keys (Jackson keeps the last), so the model never writes one.
    assertFalse(accepts(Schemas.PERSON, "{\"name\":\"Ann\",\"age\":1,\"address\":{\"city\":\"x\"},\"name\":\"B\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      true | 123 | 1.5e7 | "s" | null | [1,{"a":[]}]
      """)
  void anyValueTakesEveryKindOfValue(String a, String b, String c, String d, String e, String f) {
    for (String doc : new String[] {a, b, c, d, e, f}) {
      assertEquals(true, accepts("true", doc), doc);
    }
    assertEquals(false, accepts("true", "[1,]"));
    assertEquals(false, accepts("true", "{\"a\" 1}"));
    assertEquals(false, accepts("true", "\"\u0001\""));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      person
      bounded array
      enums
      anyOf
      recursive $ref
      """)
  void theShortestCompletionIsExactAtTheStart(String name) {
    JsonSchema schema = JsonSchema.parse(Schemas.ALL.get(name));
    Thread start = new JsonAutomaton(schema.grammar()).start();
    String shortest = switch (name) {
      case "person" -> "{\"name\":\"x\",\"age\":0,\"address\":{\"city\":\"\"}}";
      case "bounded array" -> "{\"tags\":[\"\",\"\"],\"scores\":[]}";
      case "enums" -> "{\"color\":\"red\",\"size\":1,\"flag\":true}";
      case "anyOf" -> "{\"value\":0,\"items\":[]}";
      default -> "{\"label\":\"\"}";
    };
    assertNull(Schemas.problems(schema.toString(), shortest));
    assertEquals(shortest.length(), start.shortest, shortest);
  }
}
