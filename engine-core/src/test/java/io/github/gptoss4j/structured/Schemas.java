package io.github.gptoss4j.structured;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;

/**
 * The schemas structured-output tests generate against, and an independent check of a document: strict
 * Jackson parsing (no trailing content) and networknt's draft 2020-12 validator.
 */
public final class Schemas {
  private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  public static final String PERSON = """
      {"type": "object", "additionalProperties": false, "required": ["name", "age", "address"],
       "properties": {
         "name": {"type": "string", "minLength": 1, "maxLength": 20},
         "age": {"type": "integer"},
         "email": {"type": "string", "format": "email"},
         "address": {"type": "object", "additionalProperties": false, "required": ["city"],
                     "properties": {"city": {"type": "string"}, "zip": {"type": "string", "maxLength": 5}}}}}""";

  public static final String BOUNDED_ARRAY = """
      {"type": "object", "additionalProperties": false, "required": ["tags", "scores"],
       "properties": {
         "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}, "minItems": 2, "maxItems": 3},
         "scores": {"type": "array", "items": {"type": "number"}, "maxItems": 4}}}""";

  public static final String ENUMS = """
      {"type": "object", "additionalProperties": false, "required": ["color", "size", "flag"],
       "properties": {
         "color": {"enum": ["red", "green", "blue"]},
         "size": {"type": "integer", "enum": [1, 10, 100, "big"]},
         "flag": {"type": "boolean"},
         "kind": {"const": "fixed"}}}""";

  public static final String ANY_OF = """
      {"type": "object", "additionalProperties": false, "required": ["value", "items"],
       "properties": {
         "value": {"anyOf": [{"type": "string", "maxLength": 4}, {"type": "integer"}, {"type": "null"}]},
         "items": {"type": "array", "maxItems": 3, "items": {"anyOf": [
           {"type": "object", "additionalProperties": false, "required": ["a"], "properties": {"a": {"type": "boolean"}}},
           {"type": "object", "additionalProperties": false, "required": ["b"], "properties": {"b": {"type": "string"}}}]}}}}""";

  public static final String RECURSIVE_REF = """
      {"$defs": {"node": {"type": "object", "additionalProperties": false, "required": ["label"],
                          "properties": {"label": {"type": "string", "maxLength": 6},
                                         "children": {"type": "array", "maxItems": 2, "items": {"$ref": "#/$defs/node"}}}}},
       "$ref": "#/$defs/node"}""";

  /** The schemas above by name. */
  public static final Map<String, String> ALL =
      Map.of("person", PERSON, "bounded array", BOUNDED_ARRAY, "enums", ENUMS, "anyOf", ANY_OF, "recursive $ref", RECURSIVE_REF);

  private Schemas() {}

  /** Why {@code document} is not valid JSON under {@code schema}, or null when it is. */
  public static String problems(String schema, String document) {
    JsonNode parsed;
    try {
      parsed = STRICT.readTree(document);
    } catch (JacksonException e) {
      return "not JSON: " + e.getOriginalMessage();
    }
    List<Error> errors = REGISTRY.getSchema(schema, InputFormat.JSON).validate(parsed);
    return errors.isEmpty() ? null : errors.toString();
  }
}
