package io.github.gptoss4j.harmony;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON schema to the TypeScript-like parameter types the model was trained on, character for character as
 * harmony's {@code json_schema_to_typescript}: optional properties get {@code ?}, string enums become unions,
 * {@code oneOf} becomes a {@code |} list, and titles, descriptions, examples and defaults become comments.
 */
final class TypeScriptSchema {

  private TypeScriptSchema() {}

  static String render(JsonNode schema, String indent) {
    JsonNode oneOf = schema.get("oneOf");
    if (oneOf != null && oneOf.isArray()) {
      StringBuilder out = new StringBuilder();
      for (JsonNode variant : oneOf) {
        out.append('\n').append(indent).append(" | ").append(variantType(variant, indent));
        List<String> comments = new ArrayList<>();
        String description = string(variant, "description");
        if (description != null) {
          comments.add(description);
        }
        JsonNode defaultValue = variant.get("default");
        if (defaultValue != null) {
          // here (unlike for properties) an enum's string default keeps its JSON quotes
          comments.add(
              defaultValue.isTextual() && !isEnum(variant)
                  ? "default: \"" + defaultValue.textValue() + "\""
                  : "default: " + defaultValue);
        }
        appendComments(out, comments);
      }
      return out.toString();
    }
    JsonNode type = schema.get("type");
    if (type != null && type.isArray()) {
      List<String> types = new ArrayList<>();
      for (JsonNode t : type) {
        if (t.isTextual()) {
          types.add(t.textValue().equals("integer") ? "number" : t.textValue());
        }
      }
      if (!types.isEmpty()) {
        return String.join(" | ", types);
      }
    }
    if (type == null || !type.isTextual()) {
      return "any";
    }
    return switch (type.textValue()) {
      case "object" -> object(schema, indent);
      case "string" -> {
        JsonNode values = schema.get("enum");
        List<String> quoted = new ArrayList<>();
        if (values != null && values.isArray()) {
          for (JsonNode value : values) {
            if (value.isTextual()) {
              quoted.add("\"" + value.textValue() + "\"");
            }
          }
        }
        yield quoted.isEmpty() ? "string" : String.join(" | ", quoted);
      }
      case "number", "integer" -> "number";
      case "boolean" -> "boolean";
      case "array" -> {
        JsonNode items = schema.get("items");
        yield items == null ? "Array<any>" : render(items, indent) + "[]";
      }
      default -> "any";
    };
  }

  private static String object(JsonNode schema, String indent) {
    StringBuilder out = new StringBuilder();
    String description = string(schema, "description");
    if (description != null) {
      out.append(indent).append("// ").append(description).append('\n');
    }
    out.append("{\n");
    JsonNode properties = schema.get("properties");
    if (properties != null && properties.isObject()) {
      Set<String> required = new HashSet<>();
      JsonNode requiredNode = schema.get("required");
      if (requiredNode != null && requiredNode.isArray()) {
        for (JsonNode name : requiredNode) {
          if (name.isTextual()) {
            required.add(name.textValue());
          }
        }
      }
      for (Map.Entry<String, JsonNode> entry : properties.properties()) {
        property(entry.getKey(), entry.getValue(), required.contains(entry.getKey()), indent, out);
      }
    }
    return out.append(indent).append('}').toString();
  }

  private static void property(String key, JsonNode value, boolean required, String indent, StringBuilder out) {
    String optional = required ? "" : "?";
    String title = string(value, "title");
    if (title != null) {
      out.append(indent).append("// ").append(title).append('\n').append(indent).append("//\n");
    }
    JsonNode oneOf = value.get("oneOf");
    String description = string(value, "description");
    if (oneOf == null && description != null) {
      out.append(indent).append("// ").append(description).append('\n');
    }
    JsonNode examples = value.get("examples");
    if (examples != null && examples.isArray() && !examples.isEmpty()) {
      out.append(indent).append("// Examples:\n");
      for (JsonNode example : examples) {
        if (example.isTextual()) {
          out.append(indent).append("// - \"").append(example.textValue()).append("\"\n");
        }
      }
    }
    if (oneOf != null && oneOf.isArray()) {
      oneOfProperty(key, value, oneOf, description, optional, indent, out);
      return;
    }
    out.append(indent).append(key).append(optional).append(": ").append(nullable(value, render(value, indent + "    ")));
    out.append(',');
    JsonNode defaultValue = value.get("default");
    if (oneOf == null && defaultValue != null) {
      out.append(" // ").append(defaultComment(value, defaultValue));
    }
    out.append('\n');
  }

  private static void oneOfProperty(
      String key, JsonNode value, JsonNode oneOf, String description, String optional, String indent,
      StringBuilder out) {
    // a description repeated by the first variant is rendered once, after that variant
    boolean skipDescription =
        description != null && !oneOf.isEmpty() && description.equals(string(oneOf.get(0), "description"));
    boolean descriptionAbove = false;
    if (!skipDescription && description != null) {
      out.append(indent).append("// ").append(description).append('\n');
      descriptionAbove = true;
    }
    JsonNode defaultValue = value.get("default");
    if (defaultValue != null) {
      out.append(indent).append("// ").append(defaultComment(value, defaultValue)).append('\n');
    }
    out.append(indent).append(key).append(optional).append(":\n");
    for (int i = 0; i < oneOf.size(); i++) {
      JsonNode variant = oneOf.get(i);
      out.append(indent).append(" | ").append(variantType(variant, indent));
      List<String> comments = new ArrayList<>();
      String variantDescription = string(variant, "description");
      if (!(i == 0 && descriptionAbove) && variantDescription != null && !variantDescription.equals(description)) {
        comments.add(variantDescription);
      }
      JsonNode variantDefault = variant.get("default");
      if (variantDefault != null) {
        comments.add(defaultComment(variant, variantDefault));
      }
      appendComments(out, comments);
      out.append('\n');
    }
    out.append(indent).append(",\n");
  }

  private static String variantType(JsonNode variant, String indent) {
    return nullable(variant, render(variant, indent + "   "));
  }

  private static String nullable(JsonNode schema, String type) {
    JsonNode nullable = schema.get("nullable");
    boolean isNullable = nullable != null && nullable.isBoolean() && nullable.booleanValue();
    return isNullable && !type.contains("null") ? type + " | null" : type;
  }

  /** {@code default: "text"}, or unquoted for an enum's value, or the JSON of a non-string default. */
  private static String defaultComment(JsonNode schema, JsonNode defaultValue) {
    if (defaultValue.isTextual()) {
      return isEnum(schema)
          ? "default: " + defaultValue.textValue()
          : "default: \"" + defaultValue.textValue() + "\"";
    }
    return "default: " + defaultValue;
  }

  private static void appendComments(StringBuilder out, List<String> comments) {
    if (!comments.isEmpty()) {
      out.append(" // ").append(String.join(" ", comments));
    }
  }

  private static boolean isEnum(JsonNode schema) {
    JsonNode values = schema.get("enum");
    return values != null && values.isArray() && !values.isEmpty();
  }

  private static String string(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  /** Lines as Rust's {@code str::lines}: split on \n, drop the \r of a \r\n, no empty last line. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      int next = end < 0 ? text.length() : end + 1;
      int stop = end < 0 ? text.length() : end;
      if (end >= 0 && stop > start && text.charAt(stop - 1) == '\r') {
        stop--;
      }
      out.add(text.substring(start, stop));
      start = next;
    }
    return out;
  }
}
