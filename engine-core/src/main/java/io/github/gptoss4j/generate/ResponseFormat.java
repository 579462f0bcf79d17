package io.github.gptoss4j.generate;

import io.github.gptoss4j.structured.JsonSchema;

/**
 * What the final answer must be: any JSON object ({@link #json()}, OpenAI's {@code json_object}) or JSON valid
 * under a schema ({@link #jsonSchema}). The schema is shown to the model in the developer message ({@code #
 * Response Formats}, as Harmony declares them) and enforced while decoding: the answer always parses and
 * validates. Immutable; the schema is compiled when the format is made, so an unsupported keyword fails there.
 *
 * @param name the format's name, shown to the model ({@code ## name})
 * @param description what the format is for, shown as a comment, or null
 * @param schema the compiled schema
 */
public record ResponseFormat(String name, String description, JsonSchema schema) {

  /**
   * A response format.
   *
   * @throws GenerationException if name or schema is null, or the name is blank
   */
  public ResponseFormat {
    if (name == null || name.isBlank()) {
      throw new GenerationException("response format name must not be " + (name == null ? "null" : "blank"));
    }
    if (schema == null) {
      throw new GenerationException("response format schema must not be null");
    }
  }

  /**
   * Any JSON object.
   *
   * @return a format named {@code json_object} whose schema accepts any JSON object
   */
  public static ResponseFormat json() {
    return new ResponseFormat("json_object", null, JsonSchema.anyObject());
  }

  /**
   * JSON valid under {@code schemaJson}, a JSON Schema in the subset {@link JsonSchema} lists, named {@code
   * response}.
   *
   * @param schemaJson the JSON Schema text, not null
   * @return a format named {@code response} with the compiled schema and no description
   * @throws io.github.gptoss4j.structured.SchemaException if the schema is not JSON or uses an unsupported
   *     keyword (the message names it and its JSON pointer)
   */
  public static ResponseFormat jsonSchema(String schemaJson) {
    return jsonSchema("response", schemaJson);
  }

  /**
   * As {@link #jsonSchema(String)}, under the name {@code name} (OpenAI's {@code json_schema.name}).
   *
   * @param name the format's name, not blank
   * @param schemaJson the JSON Schema text, not null
   * @return a format with the compiled schema and no description
   * @throws io.github.gptoss4j.structured.SchemaException as {@link #jsonSchema(String)}
   */
  public static ResponseFormat jsonSchema(String name, String schemaJson) {
    return new ResponseFormat(name, null, JsonSchema.parse(schemaJson));
  }

  /**
   * A copy with {@code description} shown to the model (e.g. OpenAI's {@code json_schema.description}).
   *
   * @param description the description, or null for none
   * @return a new format; this one is unchanged
   */
  public ResponseFormat withDescription(String description) {
    return new ResponseFormat(name, description, schema);
  }

  /** The developer message's section declaring this format, as Harmony's format guide writes it. */
  String section() {
    return "# Response Formats\n\n## " + name + "\n\n" + (description == null ? "" : "// " + description + "\n") + schema;
  }
}
