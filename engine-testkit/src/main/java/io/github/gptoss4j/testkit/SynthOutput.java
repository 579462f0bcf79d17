package io.github.gptoss4j.testkit;

import io.github.gptoss4j.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The output directory of one synth run. Everything is written into a fresh temporary sibling (the staging
 * directory) and renamed into place only when complete, so a failed or killed run leaves the output as it
 * was. An existing output is replaced only when it is empty or an earlier synth output: a {@value
 * SyntheticCheckpoint#MARKER} that lists plain relative paths, and nothing but regular files it lists. The
 * only files ever deleted are the staging directory's (this run wrote them) and those such a marker lists.
 */
final class SynthOutput implements AutoCloseable {
  /** A marker is a short list of file names; anything larger is not one of ours. */
  private static final long MAX_MARKER_BYTES = 1 << 16;

  private final Path out;
  private final Path staging;
  private final boolean existed;
  private boolean committed;

  private SynthOutput(Path out, Path staging, boolean existed) {
    this.out = out;
    this.staging = staging;
    this.existed = existed;
  }

  /**
   * Checks that {@code requested} may be written and creates the staging directory next to it.
   *
   * @throws CheckpointException if {@code requested} holds anything but an earlier synth output
   */
  static SynthOutput open(Path requested) throws IOException {
    Path out = requested.toAbsolutePath().normalize();
    Path parent = out.getParent();
    if (parent == null) {
      throw new CheckpointException(requested + ": is the file system root; refusing to write a checkpoint there");
    }
    boolean existed = earlierRun(out) != null;
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".synth-");
    return new SynthOutput(out, staging, existed);
  }

  /** Where this run writes. */
  Path staging() {
    return staging;
  }

  /**
   * Renames the staging directory into place; an earlier output it replaces is moved aside first and then
   * removed file by file, after checking again that it is still only what its marker lists.
   */
  void commit() throws IOException {
    if (!existed) {
      moveInto(staging, "another run created it meanwhile");
      committed = true;
      return;
    }
    Path aside = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".synth-old-");
    Path previous = aside.resolve("previous");
    try {
      Files.move(out, previous, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.delete(aside);
      throw new CheckpointException(out + ": changed while this run was writing (another synth run?); left as it is", e);
    }
    try {
      moveInto(staging, "another run replaced it meanwhile");
    } catch (RuntimeException e) {
      Files.move(previous, out, StandardCopyOption.ATOMIC_MOVE);
      Files.delete(aside);
      throw e;
    }
    committed = true;
    List<String> files;
    try {
      files = earlierRun(previous);
    } catch (CheckpointException e) {
      throw new CheckpointException(out + ": written; its previous content changed during the run and is kept in "
          + previous + " (" + e.getMessage() + ")");
    }
    for (String f : files) {
      Files.delete(previous.resolve(f));
    }
    deleteEmptyDirectories(previous);
    Files.delete(aside);
  }

  private void moveInto(Path from, String why) throws IOException {
    try {
      Files.move(from, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CheckpointException(out + ": " + why + " (another synth run?); this run's output is discarded", e);
    }
  }

  /** Removes the staging directory unless it was renamed into place: every file in it was written by this run. */
  @Override
  public void close() throws IOException {
    if (committed || !Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * The files of an earlier synth run in {@code dir} (marker included); an empty list for an empty directory,
   * null if {@code dir} does not exist.
   *
   * @throws CheckpointException if {@code dir} is anything else
   */
  private static List<String> earlierRun(Path dir) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      throw new CheckpointException(dir + ": is a symbolic link; refusing to write through it");
    }
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new CheckpointException(dir + ": exists and is not a directory; refusing to overwrite it");
    }
    Set<String> present = new HashSet<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new CheckpointException(dir + ": holds " + dir.relativize(p)
              + ", which is not a regular file (a link?); refusing to overwrite it");
        }
        present.add(relative(dir, p));
      }
    }
    if (present.isEmpty()) {
      return List.of();
    }
    Path marker = dir.resolve(SyntheticCheckpoint.MARKER);
    if (!present.contains(SyntheticCheckpoint.MARKER)) {
      throw new CheckpointException(dir + ": is not empty and is not an earlier synth output (no "
          + SyntheticCheckpoint.MARKER + "); refusing to overwrite it");
    }
    if (Files.size(marker) > MAX_MARKER_BYTES) {
      throw new CheckpointException(marker + ": is larger than a synth marker (" + MAX_MARKER_BYTES
          + " bytes); refusing to overwrite " + dir);
    }
    List<String> listed = new ArrayList<>();
    for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      if (!isPlainRelative(line)) {
        throw new CheckpointException(marker + ": lists '" + line + "', which is not a file inside " + dir
            + "; refusing to overwrite it");
      }
      listed.add(line);
    }
    present.remove(SyntheticCheckpoint.MARKER);
    listed.forEach(present::remove);
    if (!present.isEmpty()) {
      throw new CheckpointException(dir + ": holds files an earlier synth run did not write (e.g. "
          + present.iterator().next() + "); refusing to overwrite it");
    }
    List<String> files = new ArrayList<>();
    for (String f : listed) {
      if (Files.isRegularFile(dir.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
        files.add(f);
      }
    }
    files.add(SyntheticCheckpoint.MARKER);
    return files;
  }

  /** A path the way a marker writes it: '/'-separated names, none empty, "." or "..". */
  private static boolean isPlainRelative(String path) {
    for (String name : path.split("/", -1)) {
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
        return false;
      }
    }
    return true;
  }

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  /** Deletes {@code dir} and its subdirectories, which must be empty by now. */
  private static void deleteEmptyDirectories(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
