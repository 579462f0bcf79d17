package io.github.gptoss4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code serve}'s health check of the checkpoint: each {@code .safetensors} file is still there at the size it
 * had when loaded. A shard truncated or replaced under the running server would fault on its next read, so
 * {@code /health} reports it instead of "ok".
 */
final class ShardCheck {
  private volatile Map<Path, Long> sizes = Map.of();

  /** Notes the sizes of the shards under {@code dir} (and {@code dir/original}). */
  void watch(Path dir) {
    Map<Path, Long> found = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(dir, 2)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList()) {
        found.put(f, Files.size(f));
      }
    } catch (IOException e) {
      // the load that follows reports an unreadable directory
    }
    sizes = Map.copyOf(found);
  }

  /** The first shard that is gone or changed size, or empty. */
  Optional<String> problem() {
    for (Map.Entry<Path, Long> shard : sizes.entrySet()) {
      try {
        long now = Files.size(shard.getKey());
        if (now != shard.getValue()) {
          return Optional.of(shard.getKey() + " changed size from " + shard.getValue() + " to " + now + " bytes");
        }
      } catch (IOException e) {
        return Optional.of(shard.getKey() + " cannot be read: " + e.getMessage());
      }
    }
    return Optional.empty();
  }
}
