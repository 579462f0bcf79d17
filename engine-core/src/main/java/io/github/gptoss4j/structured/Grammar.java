package io.github.gptoss4j.structured;

import io.github.gptoss4j.structured.Schema.AnyObject;
import io.github.gptoss4j.structured.Schema.AnyOf;
import io.github.gptoss4j.structured.Schema.AnyValue;
import io.github.gptoss4j.structured.Schema.ArrayOf;
import io.github.gptoss4j.structured.Schema.Literals;
import io.github.gptoss4j.structured.Schema.NumberOf;
import io.github.gptoss4j.structured.Schema.ObjectOf;
import io.github.gptoss4j.structured.Schema.Property;
import io.github.gptoss4j.structured.Schema.Ref;
import io.github.gptoss4j.structured.Schema.StringOf;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled schema with, for every node, the length in bytes of its shortest valid JSON text: what budget
 * steering needs to know how soon a document can still close.
 */
final class Grammar {
  static final int INFINITE = Integer.MAX_VALUE / 4;

  final Schema root;
  private final Map<Schema, Integer> minBytes = new IdentityHashMap<>();

  Grammar(Schema root) {
    this.root = root;
    List<Schema> nodes = new ArrayList<>();
    collect(root, nodes);
    // A fixpoint: recursive references settle after at most one pass per node.
    boolean changed = true;
    for (int pass = 0; changed && pass <= nodes.size(); pass++) {
      changed = false;
      for (Schema node : nodes) {
        int value = evaluate(node);
        if (value < minBytes.get(node)) {
          minBytes.put(node, value);
          changed = true;
        }
      }
    }
    if (minBytes(root) >= INFINITE) {
      throw new SchemaException("#: the schema admits no finite document (required properties or minItems recurse through $ref forever)");
    }
  }

  /** Bytes of the shortest JSON text valid under {@code schema}. */
  int minBytes(Schema schema) {
    Integer known = minBytes.get(schema);
    return known != null ? known : evaluate(schema); // the automaton's own any-value nodes are leaves
  }

  private void collect(Schema node, List<Schema> out) {
    if (minBytes.containsKey(node)) {
      return;
    }
    minBytes.put(node, INFINITE);
    out.add(node);
    switch (node) {
      case Ref r -> collect(r.target(), out);
      case AnyOf a -> a.alternatives().forEach(alt -> collect(alt, out));
      case ObjectOf o -> o.properties().forEach(p -> collect(p.value(), out));
      case ArrayOf a -> collect(a.items(), out);
      default -> {}
    }
  }

  private int evaluate(Schema node) {
    return switch (node) {
      case AnyValue v -> 1; // 0
      case AnyObject o -> 2; // {}
      case NumberOf n -> 1;
      case StringOf s -> add(2, s.minLength());
      case Literals l -> l.values().stream().mapToInt(v -> v.length).min().orElseThrow();
      case Ref r -> minBytes(r.target());
      case AnyOf a -> a.alternatives().stream().mapToInt(this::minBytes).min().orElseThrow();
      case ArrayOf a -> a.minItems() == 0 ? 2 : add(1, mul(a.minItems(), add(minBytes(a.items()), 1)));
      case ObjectOf o -> {
        int total = 1; // '{'; each required member then adds its key, ':', value and a ',' or the '}'
        for (Property p : o.properties()) {
          if (p.required()) {
            total = add(total, memberBytes(p));
          }
        }
        yield o.properties().stream().anyMatch(Property::required) ? total : 2;
      }
    };
  }

  /** {@code "key":value} and the separator or brace after it. */
  int memberBytes(Property p) {
    return add(p.key().length + 2, minBytes(p.value()));
  }

  static int add(int a, int b) {
    return Math.min(INFINITE, a + b);
  }

  private static int mul(int a, int b) {
    return (int) Math.min(INFINITE, (long) a * b);
  }
}
