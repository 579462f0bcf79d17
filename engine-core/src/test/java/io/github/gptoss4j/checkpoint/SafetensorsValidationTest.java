package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every safetensors validation rule, each on a crafted bad file. */
class SafetensorsValidationTest {
  @TempDir Path dir;

  /** A file with an exact header text and {@code dataBytes} zero bytes of data. */
  private Path craft(String header, int dataBytes) throws IOException {
    return craft(header.getBytes(StandardCharsets.UTF_8), header.length(), dataBytes);
  }

  private Path craft(byte[] header, long declaredLength, int dataBytes) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLength).put(header);
    Path file = dir.resolve("model.safetensors");
    Files.write(file, b.array());
    return file;
  }

  private CheckpointException refused(Path file, String... fragments) {
    CheckpointException e;
    try (Arena arena = Arena.ofConfined()) {
      e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file, arena));
    }
    assertTrue(e.getMessage().contains(file.toString()), () -> "no file name in: " + e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "'" + f + "' missing from: " + e.getMessage());
    }
    return e;
  }

  private static String tensor(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  @Test
  void readsAWellFormedFile() throws IOException {
    Path f = craft("{\"__metadata__\":{\"format\":\"pt\"}," + tensor("a", "F32", "[2,3]", 0, 24) + ","
        + tensor("b", "I64", "[]", 24, 32) + "," + tensor("c", "BOOL", "[0]", 32, 32) + "}", 32);
    try (Arena arena = Arena.ofConfined()) {
      SafetensorsFile s = SafetensorsFile.open(f, arena);
      assertEquals(Map.of("format", "pt"), s.metadata());
      TensorInfo a = s.tensors().get("a");
      assertEquals(Dtype.F32, a.dtype());
      assertEquals(List.of(2L, 3L), a.shape());
      assertEquals(6, a.numel());
      assertEquals(24, s.segment(a).byteSize());
      assertEquals(1, s.tensors().get("b").numel());
      assertEquals(0, s.segment(s.tensors().get("c")).byteSize());
    }
  }

  @Test
  void refusesAFileShorterThanTheLengthPrefix() throws IOException {
    Path f = dir.resolve("short.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    refused(f, "too short");
  }

  @Test
  void refusesAHeaderLengthLargerThanTheFile() throws IOException {
    refused(craft("{}".getBytes(StandardCharsets.UTF_8), 4096, 0), "header length 4096", "larger than the 2 bytes");
  }

  @Test
  void refusesAHeaderLengthOver100MegabytesWithoutAllocatingIt() throws IOException {
    refused(craft("{}".getBytes(StandardCharsets.UTF_8), 200L << 20, 0), "exceeds the limit");
    refused(craft("{}".getBytes(StandardCharsets.UTF_8), -1L, 0), "18446744073709551615", "exceeds the limit");
  }

  @Test
  void refusesAHeaderThatIsNotUtf8() throws IOException {
    byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    refused(craft(bad, bad.length, 0), "not valid UTF-8");
  }

  @Test
  void refusesAHeaderThatIsNotAJsonObject() throws IOException {
    refused(craft("[1, 2, 3]", 0), "not a JSON object");
    refused(craft("{\"a\": ", 0), "not valid JSON");
  }

  @Test
  void refusesDeeplyNestedJsonWithoutCrashing() throws IOException {
    refused(craft("[".repeat(200_000), 0), "not valid JSON");
  }

  @Test
  void refusesDuplicateTensorNames() throws IOException {
    refused(craft("{" + tensor("a", "U8", "[1]", 0, 1) + "," + tensor("a", "U8", "[1]", 1, 2) + "}", 2),
        "not valid JSON", "a");
  }

  @Test
  void refusesMetadataThatIsNotAStringMap() throws IOException {
    refused(craft("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__", "format", "must be a string");
    refused(craft("{\"__metadata__\":[\"x\"]}", 0), "__metadata__", "object of strings");
  }

  @Test
  void refusesAnUnknownDtypeByName() throws IOException {
    refused(craft("{" + tensor("w", "F8_E4M3", "[4]", 0, 4) + "}", 4), "tensor 'w'", "unsupported dtype 'F8_E4M3'", "BF16");
  }

  @Test
  void refusesNegativeOrNonIntegerShapes() throws IOException {
    refused(craft("{" + tensor("w", "U8", "[-4]", 0, 0) + "}", 0), "tensor 'w'", "non-negative integers");
    refused(craft("{" + tensor("w", "U8", "[2.5]", 0, 2) + "}", 2), "tensor 'w'", "non-negative integers");
    refused(craft("{" + tensor("w", "U8", "[\"2\"]", 0, 2) + "}", 2), "tensor 'w'", "non-negative integers");
    refused(craft("{" + tensor("w", "U8", "7", 0, 2) + "}", 2), "tensor 'w'", "shape");
  }

  @Test
  void refusesShapesWhoseSizeOverflows() throws IOException {
    refused(craft("{" + tensor("w", "F64", "[4294967296,4294967296]", 0, 8) + "}", 8), "tensor 'w'", "too large");
  }

  @Test
  void refusesOffsetsOutOfOrder() throws IOException {
    refused(craft("{" + tensor("w", "U8", "[4]", 4, 0) + "}", 4), "tensor 'w'", "out of order");
  }

  @Test
  void refusesOffsetsPastTheEndOfTheData() throws IOException {
    refused(craft("{" + tensor("a", "U8", "[4]", 0, 4) + "," + tensor("w", "U8", "[4]", 8, 12) + "}", 8),
        "tensor 'w'", "past the end of the data");
  }

  @Test
  void refusesOverlappingTensors() throws IOException {
    refused(craft("{" + tensor("a", "U8", "[8]", 0, 8) + "," + tensor("b", "U8", "[4]", 2, 6) + ","
        + tensor("c", "U8", "[2]", 8, 10) + "}", 10), "'b'", "overlaps tensor 'a'");
  }

  @Test
  void refusesOffsetsThatDisagreeWithTheShape() throws IOException {
    refused(craft("{" + tensor("w", "BF16", "[3,2]", 0, 10) + "}", 10), "tensor 'w'", "span 10 bytes", "needs 12");
  }

  @Test
  void refusesMalformedDataOffsets() throws IOException {
    refused(craft("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", 1), "tensor 'w'", "data_offsets");
    refused(craft("{\"w\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1), "tensor 'w'", "data_offsets");
  }

  @Test
  void refusesAFileTruncatedAfterItsHeader() throws IOException {
    String header = "{" + tensor("a", "F32", "[4]", 0, 16) + "," + tensor("b", "F32", "[4]", 16, 32) + "}";
    refused(craft(header, 0), "truncated", "32 bytes of tensor data but only 0");
    refused(craft(header, 20), "truncated", "'b'");
  }

  @Test
  void refusesNulPaddingAfterTheHeader() throws IOException {
    byte[] json = ("{" + tensor("a", "F32", "[1]", 0, 4) + "}").getBytes(StandardCharsets.UTF_8);
    byte[] padded = java.util.Arrays.copyOf(json, json.length + 3);
    refused(craft(padded, padded.length, 4), "padded with byte 0x00 at offset " + (8 + padded.length - 1),
        "spaces (0x20) only");
    byte[] spaces = (new String(json, StandardCharsets.UTF_8) + "   ").getBytes(StandardCharsets.UTF_8);
    try (Arena arena = Arena.ofConfined()) {
      assertEquals(1, SafetensorsFile.open(craft(spaces, spaces.length, 4), arena).tensors().size());
    }
  }

  @Test
  void offsetsNearTheLargestLongArePastTheEndNotAnOverlap() throws IOException {
    long big = Long.MAX_VALUE;
    refused(craft("{" + tensor("a", "U8", "[4]", 0, 4) + "," + tensor("b", "U8", "[1]", big - 1, big) + "}", 4),
        "tensor 'b'", "past the end of the data section (4 bytes)");
  }

  @Test
  void anIndexMappingATensorToAPathOrANulNameIsRefusedNamingTheEntry() throws IOException {
    for (String name : new String[] {"/", "", "..", "model\\u0000.safetensors", "sub/model.safetensors"}) {
      Path model = copyFixture();
      Path index = model.resolve(Checkpoint.INDEX);
      Files.writeString(index, Files.readString(index).replace(
          "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"", "\"model.norm.weight\": \"" + name + "\""));
      CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model), name);
      assertTrue(e.getMessage().startsWith(index + ": weight_map entry for tensor 'model.norm.weight' is \"" + name + "\""),
          e.getMessage());
      assertTrue(e.getMessage().contains("not a file in"), e.getMessage());
      deleteTree(model);
    }
  }

  @Test
  void jsonErrorsInAnIndexAreOneLineWithTheirPosition() throws IOException {
    Path model = copyFixture();
    Files.writeString(model.resolve(Checkpoint.INDEX), "{\n  \"weight_map\": {,}\n}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    assertTrue(e.getMessage().contains("(line 2, column"), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
    Files.writeString(model.resolve(Checkpoint.INDEX), "{\"weight_map\": {}} {\"weight_map\": {}}");
    e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model));
    assertTrue(e.getMessage().contains("not valid JSON: a second JSON value follows the first; expected exactly one"), e.getMessage());
  }

  @Test
  void aConfigClaimingMoreLayersThanTheTensorsHoldFailsBeforeBinding() throws IOException {
    Path model = copyFixture();
    Path config = model.resolve(Checkpoint.CONFIG);
    var json = (com.fasterxml.jackson.databind.node.ObjectNode) SafetensorsFile.JSON.readTree(config.toFile());
    json.remove("layer_types");
    Files.writeString(config, json.put("num_hidden_layers", 4000).toString());
    try (Checkpoint cp = Checkpoint.open(model)) {
      CheckpointException e = assertThrows(CheckpointException.class, cp::weights);
      assertEquals(config + ": num_hidden_layers is 4000, but the tensors hold 4 layer(s) (model.layers.0 to model.layers.3)",
          e.getMessage());
    }
  }

  @Test
  void indexNamingAMissingShardIsRefused() throws IOException {
    Path model = copyFixture();
    Files.delete(model.resolve("model-00001-of-00002.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model));
    assertTrue(e.getMessage().contains(Checkpoint.INDEX), e.getMessage());
    assertTrue(e.getMessage().contains("missing file"), e.getMessage());
    assertTrue(e.getMessage().contains("model-00001-of-00002.safetensors"), e.getMessage());
  }

  @Test
  void indexNamingATensorAbsentFromItsShardIsRefused() throws IOException {
    Path model = copyFixture();
    Path index = model.resolve(Checkpoint.INDEX);
    // Point the final norm at a shard that does not hold it.
    String text = Files.readString(index).replace(
        "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"",
        "\"model.norm.weight\": \"model-00000-of-00002.safetensors\"");
    Files.writeString(index, text);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model));
    assertTrue(e.getMessage().contains("'model.norm.weight'"), e.getMessage());
    assertTrue(e.getMessage().contains("does not contain it"), e.getMessage());
  }

  @Test
  void indexPointingOutsideTheDirectoryIsRefused() throws IOException {
    Path model = copyFixture();
    Path index = model.resolve(Checkpoint.INDEX);
    Files.writeString(index, Files.readString(index).replace(
        "\"model.norm.weight\": \"model-00002-of-00002.safetensors\"",
        "\"model.norm.weight\": \"../model-00002-of-00002.safetensors\""));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model));
    assertTrue(e.getMessage().contains("not a file in"), e.getMessage());
  }

  @Test
  void trustsTheIndexRatherThanShardNames() throws IOException {
    Path model = copyFixture();
    // Rename a shard and update the index: the name no longer says anything, the index still does.
    Files.move(model.resolve("model-00001-of-00002.safetensors"), model.resolve("weights-b.safetensors"));
    Path index = model.resolve(Checkpoint.INDEX);
    Files.writeString(index, Files.readString(index).replace("model-00001-of-00002", "weights-b"));
    try (Checkpoint cp = Checkpoint.open(model)) {
      assertEquals(model.resolve("weights-b.safetensors").toAbsolutePath().normalize(),
          cp.tensors().get("model.layers.1.self_attn.o_proj.weight").file());
      assertEquals(4, cp.weights().layers().size());
    }
  }

  @Test
  void aDirectoryWithoutIndexIsScanned() throws IOException {
    Path model = copyFixture();
    Files.delete(model.resolve(Checkpoint.INDEX));
    try (Checkpoint cp = Checkpoint.open(model); Checkpoint ref = Checkpoint.open(TinyFixture.dir())) {
      assertEquals(ref.tensors().keySet(), cp.tensors().keySet());
      WeightsEquality.assertSameWeights(ref.weights(), cp.weights());
    }
  }

  @Test
  void aTensorInTwoShardsWithoutIndexIsRefused() throws IOException {
    Path model = copyFixture();
    Files.delete(model.resolve(Checkpoint.INDEX));
    Files.copy(model.resolve("model-00002-of-00002.safetensors"), model.resolve("copy.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(model));
    assertTrue(e.getMessage().contains("exactly one shard"), e.getMessage());
  }

  @Test
  void readsBytesThroughTheMapping() throws IOException {
    Path f = craft("{" + tensor("w", "I32", "[2]", 0, 8) + "}", 8);
    byte[] all = Files.readAllBytes(f);
    ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(all.length - 8, 7).putInt(all.length - 4, -3);
    Files.write(f, all);
    try (Arena arena = Arena.ofConfined()) {
      SafetensorsFile s = SafetensorsFile.open(f, arena);
      int[] v = s.segment(s.tensors().get("w")).toArray(ValueLayout.JAVA_INT_UNALIGNED);
      assertEquals(List.of(7, -3), List.of(v[0], v[1]));
    }
  }

  private static void deleteTree(Path d) throws IOException {
    try (var files = Files.walk(d)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Path copyFixture() throws IOException {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    try (var files = Files.list(TinyFixture.dir())) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.copy(p, model.resolve(p.getFileName()));
      }
    }
    return model;
  }
}
