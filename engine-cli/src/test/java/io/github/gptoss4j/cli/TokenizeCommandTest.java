package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
  /** tiktoken's 121 public cases, kept with the tokenizer tests of engine-tokenizer. */
  static final Path PUBLIC_CASES = Path.of("../engine-tokenizer/src/test/resources/tokenizer/tokenizer-public.jsonl");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private void assertPublicCases(String... extraArgs) throws IOException {
    Path out = dir.resolve("out.jsonl");
    List<String> args =
        new ArrayList<>(List.of("tokenize", "--in", PUBLIC_CASES.toString(), "--out", out.toString()));
    args.addAll(List.of(extraArgs));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.code(), run.err());
    List<String> cases = Files.readAllLines(PUBLIC_CASES).stream().filter(l -> !l.isBlank()).toList();
    List<String> results = Files.readAllLines(out);
    assertEquals(cases.size(), results.size());
    for (int i = 0; i < cases.size(); i++) {
      JsonNode expected = JSON.readTree(cases.get(i));
      assertEquals(expected.get("ids"), JSON.readTree(results.get(i)).get("ids"), expected.get("text").asText());
    }
  }

  @Test
  void writesTheExpectedIdsOfEveryPublicCaseInOrder() throws IOException {
    assertPublicCases();
  }

  @Test
  void modelDirectoryWithoutTokenizerJsonUsesTheEmbeddedEncoding() throws IOException {
    assertPublicCases("--model", dir.toString());
  }

  @Test
  void writesToStandardOutputWithoutOut() throws IOException {
    Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"<|start|>hi\",\"allowed_special\":\"all\"}\n\n");
    CliRun run = CliRun.of("tokenize", "--in", in.toString());
    assertEquals(0, run.code(), run.err());
    assertEquals(200006, JSON.readTree(run.out()).get("ids").get(0).asInt());
  }

  @Test
  void badInputIsOneLineNamingTheLine() throws IOException {
    Path in =
        Files.writeString(dir.resolve("bad.jsonl"), "{\"text\":\"a\"}\n{\"text\":\"b\",\"allowed_special\":\"some\"}\n");
    CliRun run = CliRun.of("tokenize", "--in", in.toString());
    assertNotEquals(0, run.code());
    assertTrue(run.err().contains("line 2") && run.err().contains("some"), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertFalse(run.err().contains("Exception"), run.err());

    Files.writeString(in, "{\"text\": 5}\n");
    assertTrue(CliRun.of("tokenize", "--in", in.toString()).err().contains("missing string \"text\""));
    Files.writeString(in, "not json\n");
    assertTrue(CliRun.of("tokenize", "--in", in.toString()).err().contains("not valid JSON"));
    assertTrue(CliRun.of("tokenize", "--in", dir.resolve("none.jsonl").toString()).err().contains("no such file"));
    assertTrue(
        CliRun.of("tokenize", "--in", in.toString(), "--model", dir.resolve("nodir").toString())
            .err()
            .contains("not a directory"));
  }

  @Test
  void invalidUtf8IsReportedWithItsFileLineAndByteOffset() throws IOException {
    byte[] bytes = "{\"text\":\"ok\"}\n{\"text\":\"caf\u00e9 X\"}\n".getBytes(StandardCharsets.UTF_8);
    int x = bytes.length - 4; // the X, just before the closing quote
    assertEquals('X', bytes[x]);
    bytes[x] = (byte) 0xff;
    Path in = Files.write(dir.resolve("bytes.jsonl"), bytes);
    CliRun run = CliRun.of("tokenize", "--in", in.toString());
    assertEquals(1, run.code());
    assertEquals("gptoss tokenize: --in " + in + ": line 2: invalid UTF-8 at byte " + (x - 14 + 1)
        + " of the line (byte " + x + " of the file, 0xff)", run.err().strip());
  }

  @Test
  void aSecondObjectOnALineIsAnErrorNotDropped() throws IOException {
    Path in = Files.writeString(dir.resolve("two.jsonl"), "{\"text\":\"a\"} {\"text\":\"b\"}\n");
    CliRun run = CliRun.of("tokenize", "--in", in.toString());
    assertEquals(1, run.code());
    assertTrue(run.err().startsWith("gptoss tokenize: " + in + " line 1: not valid JSON: a second JSON value follows the object; expected one object per line"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void dashReadsStandardInput() {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream("{\"text\":\"hello\"}\n".getBytes(StandardCharsets.UTF_8)));
    try {
      CliRun run = CliRun.of("tokenize", "--in", "-");
      assertEquals(0, run.code(), run.err());
      assertEquals("{\"ids\":[24912]}", run.out().strip());
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void aPipeIsReadLikeAFile() throws Exception {
    Path fifo = dir.resolve("cases.fifo");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is available");
    Thread writer = Thread.ofPlatform().start(() -> {
      try {
        Files.writeString(fifo, "{\"text\":\"hello\"}\n");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    CliRun run = CliRun.of("tokenize", "--in", fifo.toString());
    writer.join(10_000);
    assertEquals(0, run.code(), run.err());
    assertEquals("{\"ids\":[24912]}", run.out().strip());
  }

  @Test
  void disallowedSpecialsAreNotAnErrorWithNone() throws IOException {
    Path in = Files.writeString(dir.resolve("in.jsonl"), "{\"text\":\"<|end|>\",\"allowed_special\":\"none\"}\n");
    CliRun run = CliRun.of("tokenize", "--in", in.toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(JSON.readTree(run.out()).get("ids").size() > 1);
  }
}
