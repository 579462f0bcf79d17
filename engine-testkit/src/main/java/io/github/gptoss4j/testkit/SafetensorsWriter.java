package io.github.gptoss4j.testkit;

import io.github.gptoss4j.CheckpointException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.checkpoint.Dtype;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a safetensors file tensor by tensor, never holding more than the caller's chunk in memory. The
 * tensors are declared up front, so the header (with every offset) is written first; then their bytes are
 * appended in declaration order with {@link #write(ByteBuffer)}, in chunks of any size.
 *
 * <pre>{@code
 * try (var w = new SafetensorsWriter(file, entries, Map.of("format", "pt"))) {
 *   for (var e : entries) { ... w.write(chunk) ... }   // exactly e.byteSize() bytes per entry
 * }
 * }</pre>
 */
public final class SafetensorsWriter implements AutoCloseable {
  /** The JSON mapper of headers, indexes and configs this kit writes. */
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A tensor to be written.
   *
   * @param name unique tensor name
   * @param dtype element type
   * @param shape dimensions, outermost first
   */
  public record Entry(String name, Dtype dtype, List<Long> shape) {
    public Entry {
      shape = List.copyOf(shape);
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + shape);
        }
      }
    }

    /** Bytes of the tensor's data. */
    public long byteSize() {
      long n = dtype.byteSize();
      for (long d : shape) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }
  }

  private final Path file;
  private final List<Entry> entries;
  private final FileChannel channel;
  private int current;
  private long leftInCurrent;
  private boolean failed;

  /**
   * Creates (or truncates) {@code file} and writes its header.
   *
   * @param entries the tensors, in the order their data will be written
   * @param metadata the header's {@code __metadata__} (may be empty)
   * @throws CheckpointException if names repeat or the file cannot be written
   */
  public SafetensorsWriter(Path file, List<Entry> entries, Map<String, String> metadata) {
    this.file = file;
    this.entries = List.copyOf(entries);
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (Entry e : this.entries) {
      if (e.name().equals("__metadata__") || !names.add(e.name())) {
        throw new CheckpointException(file + ": tensor name '" + e.name() + "' is reserved or repeated");
      }
      ObjectNode t = header.putObject(e.name());
      t.put("dtype", e.dtype().name());
      e.shape().forEach(t.putArray("shape")::add);
      t.putArray("data_offsets").add(offset).add(offset + e.byteSize());
      offset += e.byteSize();
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    // Pad with spaces so tensor data starts 8-byte aligned, as the reference writer does.
    int padded = (json.length + 8 + 7) / 8 * 8 - 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      writeFully(head.flip());
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot write: " + e, e);
    }
    current = -1;
    advance();
  }

  /** Skips to the next tensor that still needs bytes (zero-sized ones need none). */
  private void advance() {
    while (leftInCurrent == 0 && current + 1 < entries.size()) {
      current++;
      leftInCurrent = entries.get(current).byteSize();
    }
  }

  /**
   * Appends {@code bytes} (all remaining ones) to the data of the tensors, in declaration order; a chunk may
   * span the end of one tensor and the start of the next.
   *
   * @throws CheckpointException if more bytes are written than the declared tensors hold
   */
  public void write(ByteBuffer bytes) {
    long total = leftInCurrent;
    for (int i = current + 1; i < entries.size(); i++) {
      total += entries.get(i).byteSize();
    }
    if (bytes.remaining() > total) {
      failed = true;
      throw new CheckpointException(file + ": " + bytes.remaining() + " bytes written but only " + total
          + " remain to be filled by the declared tensors");
    }
    try {
      while (bytes.hasRemaining()) {
        int n = (int) Math.min(bytes.remaining(), leftInCurrent);
        ByteBuffer part = bytes.slice(bytes.position(), n);
        writeFully(part);
        bytes.position(bytes.position() + n);
        leftInCurrent -= n;
        advance();
      }
    } catch (IOException e) {
      failed = true;
      throw new CheckpointException(file + ": cannot write tensor '" + entries.get(current).name() + "': " + e, e);
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  /**
   * Closes the file.
   *
   * @throws CheckpointException if some declared tensor did not receive all its bytes (the file would be
   *     truncated), unless an earlier write already failed
   */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot close: " + e, e);
    }
    if (leftInCurrent > 0 && !failed) {
      throw new CheckpointException(file + ": closed before tensor '" + entries.get(current).name()
          + "' was complete (" + leftInCurrent + " bytes missing)");
    }
  }
}
