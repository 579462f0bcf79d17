package io.github.gptoss4j.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Schemas outside the supported subset are refused up front, naming the keyword and its JSON pointer. */
class SchemaCompilerTest {

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}} | #/properties/age: unsupported keyword 'minimum'
      {"type": "array", "items": {"oneOf": [true]}}                               | #/items: unsupported keyword 'oneOf'
      {"$defs": {"a": {"pattern": "x"}}, "$ref": "#/$defs/a"}                      | #/$defs/a: unsupported keyword 'pattern'
      {"type": "object", "additionalProperties": {"type": "string"}}              | #/additionalProperties: only true or false is supported
      {"$ref": "#/$defs/missing"}                                                 | #/$defs/missing: $ref target does not exist
      {"$ref": "https://example.com/s.json"}                                      | #/$ref: expected a reference inside this schema
      {"type": "object", "properties": {"a": true}, "required": ["b"]}            | #/required/0: "b" is not one of the declared properties
      {"type": "strin"}                                                           | #/type: unknown type 'strin'
      {"type": "string", "minItems": 1}                                           | #: keyword 'minItems' does not apply to type string
      {"type": "string", "minLength": 3, "maxLength": 2}                          | #/maxLength: 2 is below minLength 3
      {"type": "integer", "enum": ["a", "b"]}                                     | #/enum: no value is of type integer
      {"$ref": "#", "type": "object"}                                             | #: $ref beside 'type' is not supported
      {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}                | #/$defs/a: $ref refers to itself
      {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#"}}} | #: the schema admits no finite document
      false                                                                       | #: schema false accepts no value
      [1, 2]                                                                      | #: expected a schema (a JSON object or boolean), got ARRAY
      {"type": "object",                                                          | the schema is not valid JSON
      """)
  void refusesWithTheKeywordAndItsPointer(String schema, String expected) {
    SchemaException e = assertThrows(SchemaException.class, () -> JsonSchema.parse(schema));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
  }

  @Test
  void annotationsAndFormatsAreAcceptedAndRecursionThatCanEndIsFine() {
    JsonSchema schema = JsonSchema.parse("""
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t", "description": "d",
         "type": "object", "properties": {"when": {"type": "string", "format": "date", "examples": ["2024-01-01"]},
                                          "next": {"$ref": "#"}}}""");
    assertEquals(2, schema.grammar().minBytes(schema.grammar().root), "{} is the shortest document");
  }
}
