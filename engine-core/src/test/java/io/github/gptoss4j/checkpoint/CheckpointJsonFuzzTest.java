package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated {@code config.json} and index files: each is read or refused with a one-line
 * {@link CheckpointException} naming the file; any other exception fails the test.
 */
class CheckpointJsonFuzzTest {
  private static final int CASES = 400;

  @TempDir Path dir;

  private static void assertCleanRefusal(CheckpointException e, Path file) {
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
  }

  @Test
  void configsAreReadOrRefusedCleanly() throws IOException {
    for (String rel : new String[] {"config.json", "original/config.json"}) {
      byte[] original = Files.readAllBytes(TinyFixture.dir().resolve(rel));
      SplittableRandom random = new SplittableRandom(7);
      Path file = dir.resolve("config.json");
      int refused = 0;
      for (int i = 0; i < CASES; i++) {
        Files.write(file, JsonFuzz.variant(original, i, random));
        try {
          GptOssConfig c = rel.startsWith("original") ? ConfigReader.readOriginal(file) : ConfigReader.readHf(file);
          assertTrue(c.numLayers() > 0);
        } catch (CheckpointException e) {
          refused++;
          assertCleanRefusal(e, file);
        }
      }
      assertTrue(refused > CASES / 2, rel + ": most variants are refused, got " + refused);
    }
  }

  @Test
  void indexesAreOpenedOrRefusedCleanly() throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    try (var files = Files.list(TinyFixture.dir())) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.copy(p, model.resolve(p.getFileName()));
      }
    }
    Path index = model.resolve(Checkpoint.INDEX);
    byte[] original = Files.readAllBytes(index);
    SplittableRandom random = new SplittableRandom(11);
    int refused = 0;
    for (int i = 0; i < CASES; i++) {
      Files.write(index, JsonFuzz.variant(original, i, random));
      try (Checkpoint cp = Checkpoint.open(model)) {
        assertTrue(cp.tensors().size() > 0);
      } catch (CheckpointException e) {
        refused++;
        assertTrue(e.getMessage().startsWith(model.toString()), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
      }
    }
    assertTrue(refused > CASES / 2, "most variants are refused, got " + refused);
  }
}
