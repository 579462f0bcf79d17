package io.github.gptoss4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Random and mutated variants of a JSON document, for the fuzz tests of the files a checkpoint holds. */
final class JsonFuzz {
  private static final String SIGNIFICANT = "{}[],:\"-0123456789.eE \\\0";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonFuzz() {}

  /** Variant {@code i} of {@code json}: byte flips, JSON characters, cuts, random bytes or a replaced value. */
  static byte[] variant(byte[] json, int i, SplittableRandom random) {
    byte[] bytes = json.clone();
    switch (i % 5) {
      case 0 -> {
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> bytes[random.nextInt(bytes.length)] = (byte) SIGNIFICANT.charAt(random.nextInt(SIGNIFICANT.length()));
      case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 3 -> {
        bytes = new byte[random.nextInt(64)];
        for (int k = 0; k < bytes.length; k++) {
          bytes[k] = (byte) random.nextInt(256);
        }
      }
      default -> bytes = replaceValue(json, random);
    }
    return bytes;
  }

  /** {@code json} with one value somewhere in it replaced by a random one (extreme numbers, other types). */
  private static byte[] replaceValue(byte[] json, SplittableRandom random) {
    try {
      JsonNode root = SafetensorsFile.JSON.readTree(json);
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      JsonNode target = containers.get(random.nextInt(containers.size()));
      JsonNode value = randomValue(random, 2);
      if (target instanceof ObjectNode o && !o.isEmpty()) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        o.set(names.get(random.nextInt(names.size())), value);
      } else if (target instanceof ArrayNode a && !a.isEmpty()) {
        a.set(random.nextInt(a.size()), value);
      }
      return root.toString().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  private static JsonNode randomValue(SplittableRandom random, int depth) {
    return switch (random.nextInt(depth > 0 ? 12 : 10)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(new long[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32, Long.MAX_VALUE}[random.nextInt(7)]);
      case 4 -> NODES.numberNode(new double[] {0.5, -0.0, 1e308, 1e-320, -1e30, 4096.0}[random.nextInt(6)]);
      case 5 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
      case 6 -> NODES.textNode("");
      case 7 -> NODES.textNode("/");
      case 8 -> NODES.textNode("model\u0000.safetensors");
      case 9 -> NODES.textNode("../" + random.nextInt(10));
      case 10 -> NODES.arrayNode().add(randomValue(random, depth - 1)).add(randomValue(random, depth - 1));
      default -> NODES.objectNode().set("k", randomValue(random, depth - 1));
    };
  }
}
