package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code gptoss generate} on the demo model (written once into a temporary cache directory). */
class GenerateCommandTest {
  private static final String STATS =
      "\\d+ prompt tokens \\(0 cached\\), %d generated \\| TTFT \\d+\\.\\d\\d s \\| prefill \\d+\\.\\d tok/s"
          + " \\| decode \\d+\\.\\d tok/s \\| length";

  @TempDir static Path cache;
  @TempDir Path dir;

  @BeforeAll
  static void useTemporaryCache() {
    System.setProperty(DemoModel.CACHE_PROPERTY, cache.toString());
  }

  @AfterAll
  static void restoreCache() {
    System.clearProperty(DemoModel.CACHE_PROPERTY);
  }

  static List<String> lines(String text) {
    return text.lines().filter(l -> !l.startsWith("WARNING")).toList();
  }

  @Test
  void theDemoIsWrittenOnceAndStreamsAnAnswerWithAStatsLine() throws IOException {
    CliRun first = CliRun.of("generate", "--prompt", "Why is the sky blue?", "--max-tokens", "6", "--seed", "7");
    assertEquals(0, first.code(), first.err());
    List<String> err = lines(first.err());
    assertEquals(DemoModel.NOTICE, err.getFirst());
    assertTrue(err.getLast().matches(STATS.formatted(6)), err.getLast());
    assertFalse(first.out().isBlank(), "the demo's reply is streamed as text");
    try (Stream<Path> files = Files.list(cache)) {
      assertEquals(List.of(cache.resolve(DemoModel.NAME)), files.toList(), "only the finished demo is left");
    }

    CliRun second = CliRun.of("generate", "--prompt", "Why is the sky blue?", "--max-tokens", "6", "--seed", "7");
    assertEquals(0, second.code(), second.err());
    assertFalse(second.err().contains("writing the demo"), second.err());
    assertEquals(first.out(), second.out(), "same seed, same answer");
  }

  @Test
  void readingAheadShowsABarAndLoadingReportsTheResidentMemory() {
    System.setProperty(ModelLoading.PREFETCH_PROPERTY, "1");
    try {
      CliRun run = CliRun.of("generate", "--prompt", "Hi", "--max-tokens", "1");
      assertEquals(0, run.code(), run.err());
      assertTrue(run.err().contains("0.05 GB / 0.05 GB in "), run.err()); // not a terminal: one plain line
      assertTrue(run.err().lines().anyMatch(l -> l.matches(
          "loaded .*demo-v1 \\(0\\.05 GB\\) in \\d+\\.\\d\\d s, resident memory \\d+ MB")), run.err());
    } finally {
      System.clearProperty(ModelLoading.PREFETCH_PROPERTY);
    }
  }

  @Test
  void speculationGivesTheSameAnswerAndReportsItsGuesses() throws IOException {
    String[] args = {"generate", "--prompt", "a b c a b c a b c a b c", "--max-tokens", "24", "--temperature", "0", "--json"};
    CliRun plain = CliRun.of(args);
    String[] speculating = Arrays.copyOf(args, args.length + 2);
    speculating[args.length] = "--speculate";
    speculating[args.length + 1] = "4";
    CliRun speculated = CliRun.of(speculating);
    assertEquals(0, speculated.code(), speculated.err());
    JsonNode a = new ObjectMapper().readTree(plain.out());
    JsonNode b = new ObjectMapper().readTree(speculated.out());
    assertEquals(a.get("final"), b.get("final"));
    assertEquals(0, a.get("stats").get("drafted_tokens").asInt());
    assertTrue(b.get("stats").get("drafted_tokens").asInt() > 0, b.toString());
    assertTrue(b.get("stats").get("accepted_tokens").asInt() <= b.get("stats").get("drafted_tokens").asInt());
    CliRun bad = CliRun.of("generate", "--prompt", "Hi", "--speculate", "99");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("draftTokens must be in [0, 32]"), bad.err());
  }

  @Test
  void jsonIsOneObjectWithReasoningFinalToolCallsStopReasonAndStats() throws IOException {
    Path prompt = Files.writeString(dir.resolve("prompt.txt"), "Schreib ein Gedicht über Bäume.");
    CliRun run = CliRun.of("generate", "--prompt-file", prompt.toString(), "--max-tokens", "5", "--seed", "1", "--json");
    assertEquals(0, run.code(), run.err());
    assertEquals(1, run.out().lines().count(), run.out());
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertEquals(List.of("reasoning", "final", "tool_calls", "stop_reason", "stats"), iterableToList(json.fieldNames()));
    assertEquals("", json.get("reasoning").asText());
    assertFalse(json.get("final").asText().isEmpty());
    assertTrue(json.get("tool_calls").isArray() && json.get("tool_calls").isEmpty());
    assertEquals("length", json.get("stop_reason").asText());
    JsonNode stats = json.get("stats");
    assertEquals(5, stats.get("generated_tokens").asInt());
    assertTrue(stats.get("prompt_tokens").asInt() > 10, stats.toString());
    assertEquals(0, stats.get("cached_tokens").asInt());
    assertEquals(1, stats.get("seed").asLong(), "the seed that replays the run");
    for (String field : List.of("ttft_s", "prefill_tokens_per_s", "decode_tokens_per_s")) {
      assertTrue(stats.get(field).asDouble() > 0, field + ": " + stats);
    }
  }

  @Test
  void int8PrecisionGeneratesTheSameAnswerForTheSameSeed() throws IOException {
    String[] args = {"generate", "--prompt", "Why is the sky blue?", "--max-tokens", "4", "--seed", "3", "--json",
        "--precision", "int8"};
    CliRun first = CliRun.of(args);
    CliRun second = CliRun.of(args);
    assertEquals(0, first.code(), first.err());
    JsonNode json = new ObjectMapper().readTree(first.out());
    assertEquals(4, json.get("stats").get("generated_tokens").asInt());
    assertFalse(json.get("final").asText().isEmpty());
    assertEquals(first.out().replaceAll("\"stats\".*", ""), second.out().replaceAll("\"stats\".*", ""));
  }

  @Test
  void promptFileDashReadsStdin() {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream("Why is the sky blue?".getBytes(StandardCharsets.UTF_8)));
    try {
      CliRun piped = CliRun.of("generate", "--prompt-file", "-", "--max-tokens", "3", "--seed", "9", "--json");
      CliRun given = CliRun.of("generate", "--prompt", "Why is the sky blue?", "--max-tokens", "3", "--seed", "9", "--json");
      assertEquals(0, piped.code(), piped.err());
      assertEquals(given.out().replaceAll("\"stats\".*", ""), piped.out().replaceAll("\"stats\".*", ""),
          "same prompt, same seed: same answer");
    } finally {
      System.setIn(stdin);
    }
  }

  private static List<String> iterableToList(Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(List.of("--prompt", "x", "--top-p", "1.5"), "gptoss generate: top_p must be in (0, 1], got 1.5"),
        Arguments.of(List.of("--prompt", "x", "--temperature", "-1"), "gptoss generate: temperature must be a finite number >= 0, got -1.0"),
        Arguments.of(List.of("--prompt", "x", "--max-tokens", "0"), "gptoss generate: maxTokens must be >= 1, got 0"),
        Arguments.of(List.of(), "gptoss generate: give the prompt with --prompt TEXT or --prompt-file F"),
        Arguments.of(List.of("--prompt", "x", "--prompt-file", "p.txt"), "gptoss generate: give either --prompt or --prompt-file, not both"),
        Arguments.of(List.of("--prompt", "  "), "gptoss generate: --prompt: the prompt is empty"),
        Arguments.of(List.of("--prompt-file", "missing.txt"), "gptoss generate: --prompt-file DIR/missing.txt: no such file"),
        Arguments.of(List.of("--prompt-file", "latin1.txt"),
            "gptoss generate: --prompt-file DIR/latin1.txt: line 1: invalid UTF-8 at byte 4 of the line (byte 3 of the file, 0xe9)"),
        Arguments.of(List.of("--prompt-file", "/dev/zero"), "gptoss generate: --prompt-file /dev/zero: larger than the limit of 16 MiB"),
        Arguments.of(List.of("--prompt-file", "folder.txt"), "gptoss generate: --prompt-file DIR/folder.txt: is a directory, expected a file"),
        Arguments.of(List.of("--prompt", "x", "--model", "nowhere"), "gptoss generate: DIR/nowhere: not a directory"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputIsOneLineAndExitCode1(List<String> args, String expected) throws IOException {
    Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
    Files.createDirectories(dir.resolve("folder.txt"));
    Path emptyCache = dir.resolve("cache");
    System.setProperty(DemoModel.CACHE_PROPERTY, emptyCache.toString());
    try {
      List<String> resolved = args.stream()
          .map(a -> a.endsWith(".txt") || a.equals("nowhere") ? dir.resolve(a).toString() : a)
          .toList();
      CliRun run = CliRun.of(Stream.concat(Stream.of("generate"), resolved.stream()).toArray(String[]::new));
      assertEquals(1, run.code(), run.err());
      assertEquals("", run.out());
      List<String> err = lines(run.err()).stream().filter(l -> !l.equals(DemoModel.NOTICE)).toList();
      assertEquals(List.of(expected.replace("DIR", dir.toString())), err);
      assertFalse(Files.exists(emptyCache), "options are checked before the demo is written");
    } finally {
      System.setProperty(DemoModel.CACHE_PROPERTY, cache.toString());
    }
  }

  @Test
  void anUnknownReasoningEffortIsAUsageError() {
    CliRun run = CliRun.of("generate", "--prompt", "x", "--reasoning", "extreme");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith(
        "gptoss generate: Invalid value for option '--reasoning': expected one of [low, medium, high]"), run.err());
    assertTrue(run.err().endsWith("Try 'gptoss generate --help' for more information.\n"), run.err());
  }

  @Test
  void cacheDirectoryFollowsXdgThenHome() {
    String saved = System.clearProperty(DemoModel.CACHE_PROPERTY);
    try {
      assertEquals(Path.of("/x/cache/gptoss4j"), DemoModel.cacheDir(Map.of("XDG_CACHE_HOME", "/x/cache"), "/home/u"));
      assertEquals(Path.of("/home/u/.cache/gptoss4j"), DemoModel.cacheDir(Map.of(), "/home/u"));
      assertEquals(Path.of("/home/u/.cache/gptoss4j"), DemoModel.cacheDir(Map.of("XDG_CACHE_HOME", "rel"), "/home/u"),
          "a relative XDG_CACHE_HOME is ignored, as the XDG spec says");
    } finally {
      System.setProperty(DemoModel.CACHE_PROPERTY, saved);
    }
  }

  @Test
  void writingTheDemoLeavesTheRestOfTheCacheAloneAndClearsOnlyStalePartialWrites() throws IOException {
    Path own = dir.resolve("own-cache");
    Files.createDirectories(own.resolve("other-app"));
    Path other = Files.writeString(own.resolve("other-app/data.txt"), "keep me");
    Path stale = Files.createDirectories(own.resolve("demo-v1.partial-111"));
    Files.writeString(stale.resolve("model-00001-of-00001.safetensors"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path live = Files.createDirectories(own.resolve("demo-v1.partial-222")); // another run, writing now
    Path demo = DemoModel.ensure(own, new PrintWriter(Writer.nullWriter()));
    assertEquals(own.resolve(DemoModel.NAME), demo);
    assertEquals("keep me", Files.readString(other));
    try (Stream<Path> files = Files.list(own)) {
      assertEquals(List.of("demo-v1", "demo-v1.partial-222", "other-app"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertTrue(Files.isDirectory(live));
    assertTrue(Files.isRegularFile(demo.resolve("config.json")));
    assertTrue(Files.readString(demo.resolve("config.json")).contains("\"vocab_size\" : 201088"));
  }
}
