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
 * Loads a model for the interactive commands, with feedback: weights of at least {@value #PREFETCH_PROPERTY}
 * bytes (default 1 GiB; below that a bar would only flicker) that fit in the available memory are first read
 * through once, sequentially, behind a progress bar, so their pages are in the page cache and the first tokens
 * do not stall on page faults scattered over the files; then one line with the load time and the process's
 * resident memory.
 */
final class ModelLoading {
  /** Smallest total weight size, in bytes, that is read ahead; a huge value turns reading ahead off. */
  static final String PREFETCH_PROPERTY = "gptoss.prefetch.min.bytes";

  private static final int BUFFER = 8 << 20;

  private ModelLoading() {}

  /** Loads {@code dir} with {@code options}, reporting progress and resident memory on {@code err}. */
  static GptOss load(Path dir, ModelOptions options, PrintWriter err) {
    long start = System.nanoTime();
    List<Path> files = weightFiles(dir);
    long total = files.stream().mapToLong(ModelLoading::size).sum();
    if (total >= Long.getLong(PREFETCH_PROPERTY, 1L << 30) && total < availableMemory()) {
      prefetch(files, total, new SynthCommand.ProgressBar(err));
    }
    GptOss model = GptOss.load(dir, options);
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

  /** MemAvailable from {@code /proc/meminfo}, in bytes; 0 where unknown (then nothing is read ahead). */
  private static long availableMemory() {
    return procField(Path.of("/proc/meminfo"), "MemAvailable:") * 1024;
  }

  /** The number in a {@code /proc} line {@code NAME:   123 kB}, or 0. */
  private static long procField(Path file, String name) {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(l -> l.startsWith(name))
          .findFirst()
          .map(l -> l.replaceAll("[^0-9]", ""))
          .filter(n -> !n.isEmpty())
          .map(Long::parseLong)
          .orElse(0L);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** VmRSS from {@code /proc/self/status} (Linux), e.g. {@code "812 MB"}; empty elsewhere. */
  static Optional<String> residentMemory() {
    long kb = procField(Path.of("/proc/self/status"), "VmRSS:");
    return kb == 0 ? Optional.empty() : Optional.of(String.format(Locale.ROOT, "%.0f MB", kb / 1024.0));
  }
}
