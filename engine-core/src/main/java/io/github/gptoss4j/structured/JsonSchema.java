package io.github.gptoss4j.structured;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON Schema compiled for constrained decoding: the model can then only write JSON documents valid under
 * it. Compiling checks the whole schema up front: a keyword outside the supported subset of draft 2020-12 is
 * refused with its JSON pointer rather than ignored. Immutable and thread-safe.
 *
 * <p>Supported: {@code type} (object, array, string, number, integer, boolean, null, or an array of them),
 * {@code properties}, {@code required}, {@code additionalProperties} ({@code true} or {@code false}; the model
 * writes declared properties only either way), {@code items}, {@code minItems}, {@code maxItems}, {@code
 * minLength}, {@code maxLength}, {@code enum}, {@code const}, {@code anyOf}, {@code $ref} to anything in the
 * same document ({@code $defs}, recursion included), and annotations ({@code title}, {@code description},
 * {@code default}, {@code examples}, {@code format}, ...), which are not enforced.
 */
public final class JsonSchema {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode schema;
  private final Grammar grammar;

  private JsonSchema(JsonNode schema) {
    this.schema = schema.deepCopy();
    this.grammar = new Grammar(SchemaCompiler.compile(this.schema));
  }

  /**
   * Compiles {@code schemaJson}.
   *
   * @param schemaJson the schema as JSON text, not null
   * @return the compiled schema
   * @throws SchemaException if it is not JSON, not a schema, or uses an unsupported keyword (the message names
   *     it and its JSON pointer)
   */
  public static JsonSchema parse(String schemaJson) {
    if (schemaJson == null) {
      throw new SchemaException("schema must not be null");
    }
    JsonNode node;
    try {
      node = JSON.readTree(schemaJson);
    } catch (JacksonException e) {
      throw new SchemaException("the schema is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      throw new SchemaException("the schema is empty; expected a JSON object such as {\"type\": \"object\"}");
    }
    return new JsonSchema(node);
  }

  /**
   * Compiles a parsed schema (copied).
   *
   * @param schema the schema as a JSON tree, not null; later changes to it are not seen
   * @return the compiled schema
   * @throws SchemaException as {@link #parse}
   */
  public static JsonSchema of(JsonNode schema) {
    if (schema == null) {
      throw new SchemaException("schema must not be null");
    }
    return new JsonSchema(schema);
  }

  /**
   * Any JSON value (the schema {@code true}).
   *
   * @return a schema every JSON value is valid under
   */
  public static JsonSchema anyValue() {
    return new JsonSchema(JSON.getNodeFactory().booleanNode(true));
  }

  /**
   * Any JSON object (OpenAI's {@code json_object} response format).
   *
   * @return a schema accepting any JSON object and nothing else
   */
  public static JsonSchema anyObject() {
    return new JsonSchema(JSON.createObjectNode().put("type", "object"));
  }

  /**
   * The schema as given (a copy).
   *
   * @return a deep copy of the schema's JSON, which the caller may change
   */
  public JsonNode schema() {
    return schema.deepCopy();
  }

  /** The schema as compact JSON text, as it is shown to the model. */
  @Override
  public String toString() {
    return schema.toString();
  }

  Grammar grammar() {
    return grammar;
  }
}
