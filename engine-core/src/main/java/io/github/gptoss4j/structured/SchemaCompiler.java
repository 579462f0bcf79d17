package io.github.gptoss4j.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the supported subset of JSON Schema draft 2020-12 into {@link Schema} nodes. Every keyword outside
 * the subset is refused with its JSON pointer, so a schema is never enforced more loosely than written.
 */
final class SchemaCompiler {
  static final int MAX_PROPERTIES = 64;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Keywords that only annotate: accepted, not enforced (string {@code format} included, as the spec allows). */
  private static final Set<String> ANNOTATIONS =
      Set.of("$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples", "format",
          "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "strict");
  private static final Set<String> OBJECT_KEYWORDS = Set.of("properties", "required", "additionalProperties");
  private static final Set<String> ARRAY_KEYWORDS = Set.of("items", "minItems", "maxItems");
  private static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength");
  private static final Set<String> SUPPORTED;

  static {
    Set<String> all = new HashSet<>(ANNOTATIONS);
    all.addAll(OBJECT_KEYWORDS);
    all.addAll(ARRAY_KEYWORDS);
    all.addAll(STRING_KEYWORDS);
    all.addAll(Set.of("type", "enum", "const", "anyOf", "$ref"));
    SUPPORTED = Set.copyOf(all);
  }

  private final JsonNode root;
  private final Map<String, Schema> byPointer = new HashMap<>();
  private final List<Ref> refs = new ArrayList<>();

  private SchemaCompiler(JsonNode root) {
    this.root = root;
  }

  /** The compiled root of {@code schema}. */
  static Schema compile(JsonNode schema) {
    SchemaCompiler compiler = new SchemaCompiler(schema);
    Schema compiled = compiler.node(schema, "#");
    compiler.byPointer.put("#", compiled);
    // Resolving may compile further targets, which may add references: index loop, not an iterator.
    for (int i = 0; i < compiler.refs.size(); i++) {
      Ref ref = compiler.refs.get(i);
      ref.resolve(compiler.target(ref.pointer));
    }
    for (Ref ref : compiler.refs) {
      checkNotSelfReferential(ref);
    }
    return compiled;
  }

  private Schema target(String pointer) {
    Schema known = byPointer.get(pointer);
    if (known != null) {
      return known;
    }
    JsonNode node = root.at(pointer.substring(1));
    if (node.isMissingNode()) {
      throw new SchemaException(pointer + ": $ref target does not exist in the schema");
    }
    Schema compiled = node(node, pointer);
    byPointer.put(pointer, compiled);
    return compiled;
  }

  private static void checkNotSelfReferential(Ref ref) {
    Set<Ref> seen = new HashSet<>();
    Schema at = ref;
    while (at instanceof Ref r) {
      if (!seen.add(r)) {
        throw new SchemaException(ref.pointer + ": $ref refers to itself without any structure in between");
      }
      at = r.target();
    }
  }

  private Schema node(JsonNode node, String path) {
    if (node.isBoolean()) {
      if (!node.booleanValue()) {
        throw new SchemaException(path + ": schema false accepts no value; expected a schema that some JSON satisfies");
      }
      return new AnyValue();
    }
    if (!node.isObject()) {
      throw new SchemaException(path + ": expected a schema (a JSON object or boolean), got " + node.getNodeType());
    }
    Set<String> keywords = new LinkedHashSet<>();
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!SUPPORTED.contains(name)) {
        throw new SchemaException(path + ": unsupported keyword '" + name + "'; structured output supports " + supportedList());
      }
      if (!ANNOTATIONS.contains(name)) {
        keywords.add(name);
      }
    }
    if (keywords.contains("$ref")) {
      return ref(node, keywords, path);
    }
    if (keywords.contains("anyOf")) {
      return anyOf(node, keywords, path);
    }
    if (keywords.contains("enum") || keywords.contains("const")) {
      return literals(node, keywords, path);
    }
    List<String> types = types(node, keywords, path);
    List<Schema> alternatives = new ArrayList<>();
    for (String type : types) {
      alternatives.add(typed(type, node, path));
    }
    for (String keyword : keywords) {
      if (!keyword.equals("type") && types.stream().noneMatch(t -> appliesTo(keyword, t))) {
        throw new SchemaException(path + ": keyword '" + keyword + "' does not apply to type " + String.join(" or ", types));
      }
    }
    return alternatives.size() == 1 ? alternatives.getFirst() : new AnyOf(List.copyOf(alternatives));
  }

  private Schema ref(JsonNode node, Set<String> keywords, String path) {
    if (keywords.size() > 1) {
      throw new SchemaException(path + ": $ref beside " + others(keywords, "$ref") + " is not supported; move them into the referenced schema");
    }
    JsonNode ref = node.get("$ref");
    if (!ref.isTextual() || !(ref.textValue().equals("#") || ref.textValue().startsWith("#/"))) {
      throw new SchemaException(path + "/$ref: expected a reference inside this schema (\"#\" or \"#/$defs/NAME\"), got " + ref);
    }
    Ref compiled = new Ref(ref.textValue());
    refs.add(compiled);
    return compiled;
  }

  private Schema anyOf(JsonNode node, Set<String> keywords, String path) {
    if (keywords.size() > 1) {
      throw new SchemaException(path + ": anyOf beside " + others(keywords, "anyOf") + " is not supported; move them into each alternative");
    }
    JsonNode list = node.get("anyOf");
    if (!list.isArray() || list.isEmpty()) {
      throw new SchemaException(path + "/anyOf: expected a non-empty array of schemas");
    }
    List<Schema> alternatives = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      alternatives.add(node(list.get(i), path + "/anyOf/" + i));
    }
    return new AnyOf(List.copyOf(alternatives));
  }

  private Schema literals(JsonNode node, Set<String> keywords, String path) {
    if (keywords.contains("enum") && keywords.contains("const")) {
      throw new SchemaException(path + ": enum and const together are not supported; keep one");
    }
    String keyword = keywords.contains("enum") ? "enum" : "const";
    for (String other : keywords) {
      if (!other.equals(keyword) && !other.equals("type")) {
        throw new SchemaException(path + ": " + keyword + " beside '" + other + "' is not supported; list only the allowed values");
      }
    }
    List<JsonNode> values = new ArrayList<>();
    if (keyword.equals("const")) {
      values.add(node.get("const"));
    } else {
      JsonNode list = node.get("enum");
      if (!list.isArray() || list.isEmpty()) {
        throw new SchemaException(path + "/enum: expected a non-empty array of values");
      }
      list.forEach(values::add);
    }
    List<String> types = keywords.contains("type") ? types(node, keywords, path) : null;
    List<byte[]> allowed = new ArrayList<>();
    for (JsonNode value : values) {
      if (types == null || types.stream().anyMatch(t -> hasType(value, t))) {
        allowed.add(compact(value));
      }
    }
    if (allowed.isEmpty()) {
      throw new SchemaException(path + "/" + keyword + ": no value is of type " + String.join(" or ", types));
    }
    return new Literals(List.copyOf(allowed));
  }

  private static List<String> types(JsonNode node, Set<String> keywords, String path) {
    JsonNode type = node.get("type");
    List<String> types = new ArrayList<>();
    if (type == null) {
      // No type: the keywords say which one is meant; none at all means any value.
      for (String t : List.of("object", "array", "string")) {
        if (keywords.stream().anyMatch(k -> appliesTo(k, t))) {
          types.add(t);
        }
      }
      if (types.size() > 1) {
        throw new SchemaException(path + ": keywords of several types (" + String.join(", ", types) + ") without 'type'; add 'type'");
      }
      return types.isEmpty() ? List.of("any") : types;
    }
    if (type.isTextual()) {
      types.add(type.textValue());
    } else if (type.isArray() && !type.isEmpty()) {
      type.forEach(t -> types.add(t.isTextual() ? t.textValue() : t.toString()));
    } else {
      throw new SchemaException(path + "/type: expected a type name or a non-empty array of them, got " + type);
    }
    for (String t : types) {
      if (!List.of("object", "array", "string", "number", "integer", "boolean", "null").contains(t)) {
        throw new SchemaException(path + "/type: unknown type '" + t + "'; expected object, array, string, number, integer, boolean or null");
      }
    }
    return types;
  }

  private Schema typed(String type, JsonNode node, String path) {
    return switch (type) {
      case "object" -> object(node, path);
      case "array" -> new ArrayOf(
          node.has("items") ? node(node.get("items"), path + "/items") : new AnyValue(),
          count(node, "minItems", 0, path), count(node, "maxItems", Integer.MAX_VALUE, path));
      case "string" -> new StringOf(count(node, "minLength", 0, path), count(node, "maxLength", Integer.MAX_VALUE, path));
      case "number" -> new NumberOf(false);
      case "integer" -> new NumberOf(true);
      case "boolean" -> new Literals(List.of(bytes("true"), bytes("false")));
      case "null" -> new Literals(List.of(bytes("null")));
      default -> new AnyValue();
    };
  }

  private Schema object(JsonNode node, String path) {
    JsonNode additional = node.get("additionalProperties");
    if (additional != null && !additional.isBoolean()) {
      throw new SchemaException(path + "/additionalProperties: only true or false is supported, got a schema");
    }
    JsonNode properties = node.get("properties");
    JsonNode required = node.get("required");
    if (properties == null) {
      if (required != null && !required.isEmpty()) {
        throw new SchemaException(path + "/required: names properties but the schema declares no 'properties'");
      }
      // Without declared properties, additionalProperties false leaves only {}.
      return additional != null && !additional.booleanValue() ? new ObjectOf(List.of()) : new AnyObject();
    }
    if (!properties.isObject()) {
      throw new SchemaException(path + "/properties: expected an object of schemas, got " + properties.getNodeType());
    }
    if (properties.size() > MAX_PROPERTIES) {
      throw new SchemaException(path + "/properties: " + properties.size() + " properties; at most " + MAX_PROPERTIES + " are supported per object");
    }
    Set<String> requiredNames = new HashSet<>();
    if (required != null) {
      if (!required.isArray()) {
        throw new SchemaException(path + "/required: expected an array of property names");
      }
      for (int i = 0; i < required.size(); i++) {
        JsonNode name = required.get(i);
        if (!name.isTextual() || !properties.has(name.textValue())) {
          throw new SchemaException(path + "/required/" + i + ": " + name + " is not one of the declared properties");
        }
        requiredNames.add(name.textValue());
      }
    }
    List<Property> list = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      Schema value = node(e.getValue(), path + "/properties/" + escape(name));
      list.add(new Property(name, compact(JSON.getNodeFactory().textNode(name)), value, requiredNames.contains(name)));
    }
    return new ObjectOf(List.copyOf(list));
  }

  private static int count(JsonNode node, String keyword, int absent, String path) {
    JsonNode value = node.get(keyword);
    if (value == null) {
      return absent;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0) {
      throw new SchemaException(path + "/" + keyword + ": expected a non-negative integer, got " + value);
    }
    int n = value.intValue();
    String min = keyword.startsWith("max") ? "min" + keyword.substring(3) : null;
    if (min != null && node.has(min) && node.get(min).canConvertToInt() && node.get(min).intValue() > n) {
      throw new SchemaException(path + "/" + keyword + ": " + n + " is below " + min + " " + node.get(min).intValue());
    }
    return n;
  }

  private static boolean appliesTo(String keyword, String type) {
    return switch (type) {
      case "object" -> OBJECT_KEYWORDS.contains(keyword);
      case "array" -> ARRAY_KEYWORDS.contains(keyword);
      case "string" -> STRING_KEYWORDS.contains(keyword);
      default -> false;
    };
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "number" -> value.isNumber();
      case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      default -> true;
    };
  }

  private static byte[] compact(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new SchemaException("cannot serialize " + value + ": " + e.getOriginalMessage());
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static String others(Set<String> keywords, String keyword) {
    List<String> rest = new ArrayList<>(keywords);
    rest.remove(keyword);
    return "'" + String.join("', '", rest) + "'";
  }

  private static String supportedList() {
    return "type, properties, required, additionalProperties (true/false), items, minItems, maxItems, minLength, "
        + "maxLength, enum, const, anyOf, $ref, $defs and annotations (title, description, format, ...)";
  }
}
