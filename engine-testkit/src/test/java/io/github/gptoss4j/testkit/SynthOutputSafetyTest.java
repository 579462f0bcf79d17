package io.github.gptoss4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.CheckpointException;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Options;
import io.github.gptoss4j.testkit.SyntheticCheckpoint.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synth --out} never deletes or overwrites what it did not write, whatever the directory holds. */
class SynthOutputSafetyTest {
  @TempDir Path dir;

  private static Options tiny(long seed) {
    return new Options(Preset.TINY.config(), seed, true, false, null, Preset.TINY.maxShardBytes());
  }

  private static void write(Options o, Path out) {
    SyntheticCheckpoint.write(o, out, (d, t) -> {});
  }

  @Test
  void aMarkerEntryOutsideTheOutputIsRefusedAndDeletesNothing() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path victim = Files.writeString(dir.resolve("victim.txt"), "x");
    Files.writeString(out.resolve(SyntheticCheckpoint.MARKER), "../victim.txt\n");
    CheckpointException e = assertThrows(CheckpointException.class, () -> write(tiny(1), out));
    assertTrue(e.getMessage().contains("lists '../victim.txt', which is not a file inside"), e.getMessage());
    assertEquals("x", Files.readString(victim));
    assertEquals(List.of(SyntheticCheckpoint.MARKER), names(out));
  }

  @Test
  void anAbsolutePathInTheMarkerIsRefusedAndDeletesNothing() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path victim = Files.writeString(dir.resolve("victim.txt"), "x");
    Files.writeString(out.resolve(SyntheticCheckpoint.MARKER), victim.toAbsolutePath() + "\n");
    assertThrows(CheckpointException.class, () -> write(tiny(1), out));
    assertEquals("x", Files.readString(victim));
  }

  @Test
  void anOutputThatIsASymlinkToAUserDirectoryIsRefused() throws IOException {
    Path user = Files.createDirectories(dir.resolve("user"));
    Files.writeString(user.resolve("config.json"), "mine");
    Files.writeString(user.resolve(SyntheticCheckpoint.MARKER), "config.json\n");
    Path out = Files.createSymbolicLink(dir.resolve("out"), user);
    CheckpointException e = assertThrows(CheckpointException.class, () -> write(tiny(1), out));
    assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
    assertEquals("mine", Files.readString(user.resolve("config.json")));
    assertEquals(List.of(SyntheticCheckpoint.MARKER, "config.json"), names(user));
  }

  @Test
  void aLinkInsideAnEarlierOutputIsRefusedAndItsTargetKept() throws IOException {
    Path out = dir.resolve("out");
    write(tiny(1), out);
    Path mine = Files.writeString(dir.resolve("mine.json"), "mine");
    Files.delete(out.resolve("config.json"));
    Files.createSymbolicLink(out.resolve("config.json"), mine);
    CheckpointException e = assertThrows(CheckpointException.class, () -> write(tiny(2), out));
    assertTrue(e.getMessage().contains("config.json, which is not a regular file"), e.getMessage());
    assertEquals("mine", Files.readString(mine));
  }

  @Test
  void aFailedRerunLeavesTheEarlierOutputAndItsMarkerInPlace() throws IOException {
    Path out = dir.resolve("out");
    write(tiny(1), out);
    List<String> before = names(out);
    byte[] config = Files.readAllBytes(out.resolve("config.json"));
    Options badTokenizer = new Options(Preset.TINY.config(), 2, true, false, dir.resolve("nonexistent"), 1 << 30);
    CheckpointException e = assertThrows(CheckpointException.class, () -> write(badTokenizer, out));
    assertTrue(e.getMessage().contains("nonexistent/tokenizer.json: tokenizer file not found"), e.getMessage());
    assertEquals(before, names(out));
    assertArrayEquals(config, Files.readAllBytes(out.resolve("config.json")));
    write(tiny(3), out); // the marker survived, so the output can still be replaced
    try (Checkpoint cp = Checkpoint.open(out)) {
      assertEquals(Preset.TINY.config(), cp.config());
    }
    assertEquals(List.of("out"), entries(dir), "no temporary directory is left next to the output");
  }

  @Test
  void aFailureWhileWritingLeavesNoTraceNextToTheOutput() throws IOException {
    Path tok = Files.createDirectories(dir.resolve("tok"));
    Files.writeString(tok.resolve("tokenizer.json"), "{}");
    Files.createDirectories(tok.resolve("tokenizer_config.json")); // not a regular file: refused up front
    Path out = dir.resolve("out");
    assertThrows(CheckpointException.class,
        () -> write(new Options(Preset.TINY.config(), 1, true, false, tok, 1 << 30), out));
    assertEquals(List.of("tok"), entries(dir));
  }

  @Test
  void concurrentRunsOnANewOutputLeaveOneCompleteCheckpoint() throws Exception {
    assertOneCompleteCheckpointAfterConcurrentRuns(dir.resolve("out"));
  }

  @Test
  void concurrentRunsOverAnEarlierOutputLeaveOneCompleteCheckpoint() throws Exception {
    Path out = dir.resolve("out");
    write(tiny(99), out);
    assertOneCompleteCheckpointAfterConcurrentRuns(out);
  }

  private void assertOneCompleteCheckpointAfterConcurrentRuns(Path out) throws Exception {
    int runs = 4;
    CyclicBarrier start = new CyclicBarrier(runs);
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    List<Future<?>> results = new ArrayList<>();
    try {
      for (int i = 0; i < runs; i++) {
        long seed = i;
        results.add(pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          write(tiny(seed), out);
          return null;
        }));
      }
      int ok = 0;
      for (Future<?> f : results) {
        try {
          f.get(60, TimeUnit.SECONDS);
          ok++;
        } catch (ExecutionException e) {
          assertTrue(e.getCause() instanceof CheckpointException, "a losing run fails cleanly: " + e.getCause());
        }
      }
      assertTrue(ok >= 1, "at least one run wins");
    } finally {
      pool.shutdownNow();
    }
    Set<String> listed = new TreeSet<>(Files.readAllLines(out.resolve(SyntheticCheckpoint.MARKER)));
    listed.add(SyntheticCheckpoint.MARKER);
    assertEquals(listed, new TreeSet<>(names(out)), "the output holds exactly what its marker lists");
    try (Checkpoint cp = Checkpoint.open(out)) {
      assertEquals(4, cp.weights().layers().size());
    }
    assertEquals(List.of("out"), entries(dir), "no temporary directory is left next to the output");
  }

  /** Names in {@code d}, sorted. */
  private static List<String> entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Relative paths of the files (not directories) under {@code d}, sorted. */
  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      return s.filter(p -> !Files.isDirectory(p)).map(p -> d.relativize(p).toString()).sorted().toList();
    }
  }
}
