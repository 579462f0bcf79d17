package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random and mutated shards: each either opens or fails with a one-line CheckpointException, nothing else. */
class SafetensorsFuzzTest {
  @TempDir Path dir;

  @Test
  void corruptedShardsFailCleanly() throws IOException {
    byte[] original = Files.readAllBytes(TinyFixture.dir().resolve("model-00001-of-00002.safetensors"));
    int headerEnd = 8 + (int) (original[0] & 0xFF | (original[1] & 0xFF) << 8);
    SplittableRandom random = new SplittableRandom(42);
    Path file = dir.resolve("fuzz.safetensors");
    int refused = 0;
    for (int i = 0; i < 400; i++) {
      byte[] bytes = original.clone();
      switch (i % 4) {
        // Flip a few header bytes (length prefix included).
        case 0 -> {
          for (int k = 0; k < 1 + random.nextInt(4); k++) {
            bytes[random.nextInt(headerEnd)] ^= (byte) (1 << random.nextInt(8));
          }
        }
        // Overwrite a header byte with a JSON-significant character.
        case 1 -> bytes[8 + random.nextInt(headerEnd - 8)] = (byte) "{}[],:\"-0123456789.e ".charAt(random.nextInt(21));
        // Cut the file anywhere.
        case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        // A random header of a random length, its length prefix right, before the original data.
        default -> {
          byte[] header = new byte[1 + random.nextInt(256)];
          random.nextBytes(header);
          bytes = java.nio.ByteBuffer.allocate(8 + header.length + original.length - headerEnd)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header)
              .put(original, headerEnd, original.length - headerEnd).array();
        }
      }
      Files.write(file, bytes);
      try (Arena arena = Arena.ofConfined()) {
        SafetensorsFile.open(file, arena);
      } catch (CheckpointException e) {
        refused++;
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0, e.getMessage());
      }
    }
    assertTrue(refused > 200, "most corruptions are detected, got " + refused);
  }
}
