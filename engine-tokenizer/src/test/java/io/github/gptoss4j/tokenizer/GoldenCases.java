package io.github.gptoss4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The golden cases made by OpenAI's tiktoken (test resource tokenizer/tokenizer-public.jsonl). */
record GoldenCases(String text, boolean allSpecial, int[] ids, boolean roundtrip) {
  static List<GoldenCases> load() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<GoldenCases> cases = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                GoldenCases.class.getResourceAsStream("/tokenizer/tokenizer-public.jsonl"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = mapper.readTree(line);
        JsonNode ids = node.get("ids");
        int[] expected = new int[ids.size()];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = ids.get(i).asInt();
        }
        cases.add(
            new GoldenCases(
                node.get("text").asText(),
                node.get("allowed_special").asText().equals("all"),
                expected,
                node.get("roundtrip").asBoolean()));
      }
    }
    return cases;
  }

  AllowedSpecial allowed() {
    return allSpecial ? AllowedSpecial.ALL : AllowedSpecial.NONE;
  }

  @Override
  public String toString() {
    return (allSpecial ? "[all] " : "[none] ") + text.replace("\n", "\\n");
  }
}
