package io.github.gptoss4j.harmony;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Harmony's test data, copied into src/test/resources/harmony (see the README there). */
final class TestData {

  private TestData() {}

  /** A test-data file with trailing whitespace stripped, as harmony's tests read it. */
  static String expected(String name) {
    return read(name).stripTrailing();
  }

  /** A file of whitespace-separated token ids. */
  static int[] tokens(String name) {
    String[] parts = read(name).trim().split("\\s+");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i]);
    }
    return out;
  }

  /** The lines of harmony-public.jsonl. */
  static List<JsonNode> publicCases() {
    List<JsonNode> out = new ArrayList<>();
    for (String line : read("harmony-public.jsonl").split("\n")) {
      if (!line.isBlank()) {
        out.add(HarmonyJson.parse(line));
      }
    }
    return out;
  }

  private static String read(String name) {
    try (InputStream in = TestData.class.getResourceAsStream("/harmony/" + name)) {
      assertNotNull(in, "missing test resource harmony/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read test resource harmony/" + name, e);
    }
  }
}
