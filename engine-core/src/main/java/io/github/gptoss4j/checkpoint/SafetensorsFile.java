package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One validated, memory-mapped safetensors file: an 8-byte little-endian header length, a UTF-8 JSON
 * header, then the tensor data. Every rule is checked before any tensor is handed out, so a malformed file
 * fails here with a {@link CheckpointException} instead of crashing or misreading later.
 */
final class SafetensorsFile {
  /** Largest header accepted; real headers are a few hundred kB, so anything bigger is hostile. */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** A JSON error as one line: Jackson's message without its source excerpt, and where it happened. */
  static String describe(JsonProcessingException e) {
    String what = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ");
    if (what.startsWith("Trailing token")) { // Jackson's wording names its own classes
      what = "a second JSON value follows the first; expected exactly one";
    }
    JsonLocation at = e.getLocation();
    return at == null ? what : what + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
  }

  private final Path path;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;
  private final MemorySegment mapped;

  private SafetensorsFile(Path path, Map<String, TensorInfo> tensors, Map<String, String> metadata, MemorySegment mapped) {
    this.path = path;
    this.tensors = tensors;
    this.metadata = metadata;
    this.mapped = mapped;
  }

  /** Validates {@code path} and maps it into {@code arena} (which owns the mapping). */
  static SafetensorsFile open(Path path, Arena arena) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long fileSize = ch.size();
      if (fileSize < 8) {
        throw fail(path, "file has " + fileSize + " bytes, too short for the 8-byte header length");
      }
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLen = len.getLong(0);
      if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
        throw fail(path, "header length " + Long.toUnsignedString(headerLen) + " exceeds the limit of "
            + MAX_HEADER_BYTES + " bytes");
      }
      if (headerLen > fileSize - 8) {
        throw fail(path, "header length " + headerLen + " is larger than the " + (fileSize - 8)
            + " bytes that follow it");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      long dataStart = 8 + headerLen;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, TensorInfo> tensors = parseHeader(path, header.flip(), dataStart, fileSize - dataStart, metadata);
      MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
      return new SafetensorsFile(path, tensors, Collections.unmodifiableMap(metadata), mapped);
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot read: " + e, e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  private static Map<String, TensorInfo> parseHeader(
      Path path, ByteBuffer header, long dataStart, long dataSize, Map<String, String> metadata) {
    int last = header.limit() - 1;
    while (last >= 0 && header.get(last) == ' ') {
      last--;
    }
    // The format pads the header with spaces; Jackson would also skip NULs, which a writer never puts there.
    if (last >= 0 && (header.get(last) & 0xFF) < 0x20) {
      throw fail(path, String.format(Locale.ROOT,
          "header is padded with byte 0x%02x at offset %d; the format allows spaces (0x20) only",
          header.get(last) & 0xFF, 8 + last));
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(header)
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(path, "header is not valid UTF-8 (" + e.getMessage() + ")");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw fail(path, "header is not valid JSON: " + describe(e));
    }
    if (root == null || !root.isObject()) {
      throw fail(path, "header is not a JSON object");
    }
    List<TensorInfo> list = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        readMetadata(path, e.getValue(), metadata);
      } else {
        list.add(readTensor(path, name, e.getValue(), dataStart, dataSize));
      }
    }
    checkLayout(path, list, dataStart, dataSize);
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (TensorInfo t : list) {
      tensors.put(t.name(), t);
    }
    return Collections.unmodifiableMap(tensors);
  }

  private static void readMetadata(Path path, JsonNode node, Map<String, String> metadata) {
    if (!node.isObject()) {
      throw fail(path, "__metadata__ must be a JSON object of strings, found " + node.getNodeType());
    }
    for (Map.Entry<String, JsonNode> m : node.properties()) {
      if (!m.getValue().isTextual()) {
        throw fail(path, "__metadata__ value '" + m.getKey() + "' must be a string, found " + m.getValue().getNodeType());
      }
      metadata.put(m.getKey(), m.getValue().textValue());
    }
  }

  private static TensorInfo readTensor(Path path, String name, JsonNode node, long dataStart, long dataSize) {
    String where = path + ": tensor '" + name + "'";
    if (!node.isObject()) {
      throw new CheckpointException(where + ": entry must be a JSON object with dtype, shape and data_offsets");
    }
    JsonNode dtypeNode = node.get("dtype");
    if (dtypeNode == null || !dtypeNode.isTextual()) {
      throw new CheckpointException(where + ": missing or non-string 'dtype'");
    }
    Dtype dtype = Dtype.parse(dtypeNode.textValue(), where);
    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new CheckpointException(where + ": missing 'shape' array");
    }
    List<Long> shape = new ArrayList<>(shapeNode.size());
    long numel = 1;
    for (JsonNode d : shapeNode) {
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        throw new CheckpointException(where + ": shape " + shapeNode + " must hold non-negative integers, found " + d);
      }
      shape.add(d.longValue());
      numel = multiply(numel, d.longValue(), where, shapeNode);
    }
    long expectedBytes = multiply(numel, dtype.byteSize(), where, shapeNode);
    JsonNode offsets = node.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2
        || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
        || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()
        || offsets.get(0).longValue() < 0 || offsets.get(1).longValue() < 0) {
      throw new CheckpointException(where + ": 'data_offsets' must be two non-negative integers [begin, end], found " + offsets);
    }
    long begin = offsets.get(0).longValue();
    long end = offsets.get(1).longValue();
    if (end < begin) {
      throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end + "] are out of order (end before begin)");
    }
    if (end > dataSize && end > Long.MAX_VALUE - dataStart) {
      // Too far to even address; smaller overshoots are reported with the layout of the whole file.
      throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end + "] end past the end of the"
          + " data section (" + dataSize + " bytes)");
    }
    if (end - begin != expectedBytes) {
      throw new CheckpointException(where + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
          + " bytes but shape " + shape + " of " + dtype + " needs " + expectedBytes);
    }
    return new TensorInfo(name, dtype, shape, path, dataStart + begin, expectedBytes);
  }

  private static long multiply(long a, long b, String where, JsonNode shape) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw new CheckpointException(where + ": shape " + shape + " is too large (element count overflows)");
    }
  }

  /** Tensors must lie inside the data section and must not overlap. */
  private static void checkLayout(Path path, List<TensorInfo> list, long dataStart, long dataSize) {
    List<TensorInfo> byOffset = new ArrayList<>(list);
    byOffset.sort(Comparator.comparingLong(TensorInfo::offset).thenComparingLong(TensorInfo::byteSize));
    long contiguousEnd = 0;
    boolean contiguous = true;
    TensorInfo furthest = null; // the tensor reaching furthest so far: any later start before its end overlaps it
    for (TensorInfo t : byOffset) {
      long begin = t.offset() - dataStart;
      long end = begin + t.byteSize();
      if (furthest != null && t.byteSize() > 0 && begin < furthest.offset() + furthest.byteSize() - dataStart) {
        long fBegin = furthest.offset() - dataStart;
        throw fail(path, "tensor '" + t.name() + "' data [" + begin + ", " + end + ") overlaps tensor '"
            + furthest.name() + "' [" + fBegin + ", " + (fBegin + furthest.byteSize()) + ")");
      }
      contiguous &= begin == contiguousEnd;
      contiguousEnd = Math.max(contiguousEnd, end);
      if (t.byteSize() > 0 && (furthest == null || end > furthest.offset() + furthest.byteSize() - dataStart)) {
        furthest = t;
      }
    }
    for (TensorInfo t : byOffset) {
      long end = t.offset() - dataStart + t.byteSize();
      if (end > dataSize) {
        if (contiguous) {
          throw fail(path, "file is truncated: its header describes " + contiguousEnd + " bytes of tensor data but only "
              + dataSize + " follow the header (tensor '" + t.name() + "' ends at " + end + ")");
        }
        throw fail(path, "tensor '" + t.name() + "' data_offsets end at " + end + ", past the end of the data section ("
            + dataSize + " bytes)");
      }
    }
  }

  private static CheckpointException fail(Path path, String what) {
    return new CheckpointException(path + ": " + what);
  }

  Path path() {
    return path;
  }

  /** Tensors in header order. */
  Map<String, TensorInfo> tensors() {
    return tensors;
  }

  Map<String, String> metadata() {
    return metadata;
  }

  /** Zero-copy view of {@code t}'s bytes; valid until the owning arena closes. */
  MemorySegment segment(TensorInfo t) {
    return mapped.asSlice(t.offset(), t.byteSize());
  }
}
