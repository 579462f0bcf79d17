package io.github.gptoss4j.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Request bodies read into records, strictly: a duplicate key, data after the object, an unknown field, a
 * string where a number belongs or a fraction where an integer belongs is a 400 whose {@code param} is the
 * JSON path at fault ({@code messages[2].tool_calls[0].function.name}), never a guess.
 */
final class JsonBody {
  /** Reads requests: strict, snake_case field names onto record components. */
  static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  /** Writes answers. */
  static final ObjectMapper JSON = new ObjectMapper();

  private JsonBody() {}

  /**
   * Reads {@code body} as a {@code type}.
   *
   * @throws ApiException (400) naming the JSON path of the first problem
   */
  static <T> T read(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw ApiException.invalid(null, "the request body is empty; it must be a JSON object");
    }
    T value;
    try {
      value = STRICT.readValue(body, type);
    } catch (IOException e) {
      throw refused(e, null);
    }
    if (value == null) {
      throw ApiException.invalid(null, "the request body must be a JSON object, got null");
    }
    return value;
  }

  /**
   * Binds {@code node}, a part of the body at {@code where} (e.g. {@code input[3]}), to a {@code type}.
   *
   * @throws ApiException (400) naming the JSON path, {@code where} included
   */
  static <T> T convert(JsonNode node, Class<T> type, String where) {
    if (!node.isObject()) {
      throw ApiException.invalid(where, where + " must be an object");
    }
    try {
      return STRICT.treeToValue(node, type);
    } catch (IOException e) {
      throw refused(e, where);
    }
  }

  /** The 400 for a body (or the part at {@code prefix}) Jackson could not bind. */
  private static ApiException refused(IOException error, String prefix) {
    switch (error) {
      case UnrecognizedPropertyException e -> {
        String param = path(prefix, e.getPath());
        return ApiException.invalid(param, param + " is not a field this server knows; the fields there are "
            + known(e.getKnownPropertyIds()));
      }
      case InvalidFormatException e -> {
        String param = path(prefix, e.getPath());
        return ApiException.invalid(param, param + " must be " + expected(e.getTargetType()) + ", got " + e.getValue());
      }
      case MismatchedInputException e -> {
        String param = path(prefix, e.getPath());
        if (param == null) {
          return ApiException.invalid(null, e.getOriginalMessage().startsWith("Trailing token")
              ? "the request body has data after its JSON object"
              : "the request body must be a JSON object");
        }
        return ApiException.invalid(param, param + " must be " + expected(e.getTargetType()));
      }
      case JsonMappingException e when e.getCause() instanceof StreamReadException cause
          && cause.getProcessor() instanceof JsonParser p -> {
        // a duplicate key met while binding: the parser knows where it stood
        String param = path(p.getParsingContext());
        return ApiException.invalid(param, "the request body is not valid JSON"
            + (param == null ? "" : " at " + param) + ": " + firstLine(cause.getOriginalMessage()));
      }
      case JsonMappingException e -> {
        // e.g. a number too large for its field, wrapped with the path it was read at
        String param = path(prefix, e.getPath());
        String why = e.getCause() instanceof InputCoercionException c ? c.getOriginalMessage() : e.getOriginalMessage();
        return ApiException.invalid(param, (param == null ? "the request body" : param) + ": " + firstLine(why));
      }
      case StreamReadException e -> {
        String param = e.getProcessor() instanceof JsonParser p ? path(p.getParsingContext()) : null;
        return ApiException.invalid(param, "the request body is not valid JSON"
            + (param == null ? "" : " at " + param) + ": " + firstLine(e.getOriginalMessage()));
      }
      default -> {
        return ApiException.invalid(prefix, "the request body cannot be read: " + error.getMessage());
      }
    }
  }

  private static String path(String prefix, List<JsonMappingException.Reference> refs) {
    String path = path(refs);
    if (prefix == null) {
      return path;
    }
    return path == null ? prefix : prefix + (path.startsWith("[") ? "" : ".") + path;
  }

  /** Whether a union-typed field ({@link JsonNode}) was given: absent and JSON null both mean "not given". */
  static boolean given(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  /** {@code messages[2].content} from Jackson's reference chain; null for the root. */
  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  /** The same path for where the parser stopped (a syntax error or a duplicate key). */
  private static String path(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.addFirst("." + c.getCurrentName());
      } else if (c.inArray()) {
        parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    String path = String.join("", parts);
    return path.isEmpty() ? null : path.startsWith(".") ? path.substring(1) : path;
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Double.class || type == double.class || type == Float.class) {
      return "a number";
    }
    if (type == Integer.class || type == int.class) {
      return "a 32-bit integer";
    }
    if (type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  private static String known(Collection<Object> ids) {
    TreeSet<String> names = new TreeSet<>();
    ids.forEach(id -> names.add(String.valueOf(id)));
    return String.join(", ", names);
  }

  private static String firstLine(String message) {
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
