package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Loads a model for the interactive commands, with feedback: weight files larger than {@link
 * #PREFETCH_THRESHOLD} are first read through once, sequentially, behind a progress bar, so their pages are in
 * the page cache and the first tokens do not stall on page faults scattered over the file; then one line
 * with the load time and the process's resident memory.
 */
final class ModelLoading {
  /** Below this, reading is a blink and a bar would only flicker. */
  static final long PREFETCH_THRESHOLD = 1L << 30;

  private static final int BUFFER = 8 << 20;

  private ModelLoading() {}

  /** Loads {@code dir}, reporting progress and resident memory on {@code err}. */
  static GptOss load(Path dir, PrintWriter err) {
    long start = System.nanoTime();
    List<Path> files = weightFiles(dir);
    long total = files.stream().mapToLong(ModelLoading::size).sum();
    if (total >= PREFETCH_THRESHOLD) {
      prefetch(files, total, new SynthCommand.ProgressBar(err));
    }
    GptOss model = GptOss.load(dir, ModelOptions.defaults());
    err.printf(Locale.ROOT, "loaded %s (%s) in %.2f s%s%n", dir, SynthCommand.ProgressBar.gigabytes(total),
        (System.nanoTime() - start) / 1e9, residentMemory().map(r -> ", resident memory " + r).orElse(""));
    err.flush();
    return model;
  }

  /** The {@code *.safetensors} files of the directory, or of its {@code original/} where it has none. */
  static List<Path> weightFiles(Path dir) {
    List<Path> files = safetensorsIn(dir);
    return files.isEmpty() ? safetensorsIn(dir.resolve("original")) : files;
  }

  private static List<Path> safetensorsIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p)).sorted().toList();
    } catch (IOException e) {
      return List.of(); // loading the checkpoint then reports what is wrong with the directory
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Reads every file once, sequentially, into the page cache. */
  private static void prefetch(List<Path> files, long total, SynthCommand.ProgressBar bar) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    long done = 0;
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        int n;
        while ((n = channel.read(buffer.clear())) > 0) {
          done += n;
          bar.update(done, total);
        }
      } catch (IOException e) {
        throw new CliException(file + ": cannot read: " + e.getMessage());
      }
    }
    bar.finish();
  }

  /** VmRSS from {@code /proc/self/status} (Linux), e.g. {@code "1.23 GB"}; empty elsewhere. */
  static Optional<String> residentMemory() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines.filter(l -> l.startsWith("VmRSS:"))
          .findFirst()
          .map(l -> l.replaceAll("[^0-9]", ""))
          .filter(kb -> !kb.isEmpty())
          .map(kb -> String.format(Locale.ROOT, "%.0f MB", Long.parseLong(kb) / 1024.0));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
