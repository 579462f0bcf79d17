package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarmonyCommandTest {
  /** harmony's 16 public cases, kept with the harmony tests of engine-tokenizer. */
  static final Path PUBLIC_CASES = Path.of("../engine-tokenizer/src/test/resources/harmony/harmony-public.jsonl");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void renderWritesTheExpectedIdsOfEveryPublicCaseInOrder() throws IOException {
    Path out = dir.resolve("out.jsonl");
    CliRun render = CliRun.of("harmony", "render", "--in", PUBLIC_CASES.toString(), "--out", out.toString());
    assertEquals(0, render.code(), render.err());
    List<String> cases = Files.readAllLines(PUBLIC_CASES).stream().filter(l -> !l.isBlank()).toList();
    List<String> results = Files.readAllLines(out);
    assertEquals(cases.size(), results.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode expected = JSON.readTree(cases.get(i));
      assertEquals(expected.get("expected_ids"), JSON.readTree(results.get(i)).get("ids"), expected.get("name").asText());
    }
  }

  @Test
  void parsePrintsMessagesAsHarmonyJson() throws IOException {
    // "<|channel|>final<|message|>4<|return|>" after a prompt ending in <|start|>assistant
    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "200005, 17196 200008\n19, 200002\n");
    CliRun parse = CliRun.of("harmony", "parse", "--in", tokens.toString(), "--role", "assistant");
    assertEquals(0, parse.code(), parse.err());
    assertEquals(
        JSON.readTree("{\"messages\": [{\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"4\"}],"
            + " \"channel\": \"final\"}]}"),
        JSON.readTree(parse.out()));
  }

  @Test
  void malformedConversationFailsWithOneLineNamingTheLineAndField() throws IOException {
    Path cases = Files.writeString(dir.resolve("bad.jsonl"),
        "{\"conversation\": {\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}}\n"
            + "{\"conversation\": {\"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}}\n");
    CliRun render = CliRun.of("harmony", "render", "--in", cases.toString());
    assertEquals(1, render.code());
    assertTrue(render.err().contains("bad.jsonl line 2: messages[0].role: unknown role 'robot'"), render.err());
    assertEquals(1, render.err().strip().lines().count(), render.err());
    assertFalse(render.out().contains("ids"), "nothing written on error: " + render.out());
  }

  @Test
  void parseWithoutRoleExplainsTheMissingStart() throws IOException {
    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "200005 17196 200008 19 200002");
    CliRun parse = CliRun.of("harmony", "parse", "--in", tokens.toString());
    assertEquals(1, parse.code());
    assertTrue(parse.err().contains("pass --role assistant"), parse.err());
  }

  @Test
  void parseAcceptsAsciiDigitsOnly() throws IOException {
    for (String id : new String[] {"\u0662\u0660\u0660\u0660\u0660\u0665", "+200005", "-1", "\uff12"}) {
      Path tokens = Files.writeString(dir.resolve("tokens.txt"), "200005 " + id);
      CliRun parse = CliRun.of("harmony", "parse", "--in", tokens.toString());
      assertEquals(1, parse.code(), id);
      assertTrue(parse.err().contains("'" + id + "' (entry 2) is not a token id; expected decimal ids (ASCII digits)"),
          parse.err());
    }
  }

  @Test
  void renderAndParseNameTheLineOfInvalidUtf8() throws IOException {
    Path in = Files.write(dir.resolve("bad.jsonl"), new byte[] {'{', '}', '\n', '"', (byte) 0xc3, '"'});
    CliRun render = CliRun.of("harmony", "render", "--in", in.toString());
    assertEquals("gptoss render: --in " + in + ": line 2: invalid UTF-8 at byte 2 of the line (byte 4 of the file, 0xc3)",
        render.err().strip());
    CliRun parse = CliRun.of("harmony", "parse", "--in", in.toString());
    assertTrue(parse.err().contains(": line 2: invalid UTF-8"), parse.err());
  }

  @Test
  void parseRejectsANonNumericEntry() throws IOException {
    Path tokens = Files.writeString(dir.resolve("tokens.txt"), "200005 x7");
    CliRun parse = CliRun.of("harmony", "parse", "--in", tokens.toString());
    assertEquals(1, parse.code());
    assertTrue(parse.err().contains("'x7' (entry 2) is not a token id"), parse.err());
  }
}
