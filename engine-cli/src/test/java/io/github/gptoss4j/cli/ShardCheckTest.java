package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}'s health check: a shard truncated or removed under the running server is reported by name. */
class ShardCheckTest {
  @Test
  void aTruncatedOrRemovedShardIsNamed(@TempDir Path dir) throws IOException {
    Path shard = Files.write(dir.resolve("model-00001-of-00002.safetensors"), new byte[4096]);
    Path original = Files.createDirectories(dir.resolve("original"));
    Path other = Files.write(original.resolve("model.safetensors"), new byte[100]);
    Files.writeString(dir.resolve("config.json"), "{}");
    ShardCheck check = new ShardCheck();
    check.watch(dir);
    assertEquals(Optional.empty(), check.problem());
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(1000);
    }
    String truncated = check.problem().orElseThrow();
    assertTrue(truncated.contains(shard.toString()) && truncated.contains("from 4096 to 1000"), truncated);
    try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
      f.setLength(4096);
    }
    Files.delete(other);
    String gone = check.problem().orElseThrow();
    assertTrue(gone.contains(other.toString()) && gone.contains("cannot be read"), gone);
  }
}
