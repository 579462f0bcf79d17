package io.github.gptoss4j.harmony;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One tool (function) the model may call, rendered as a TypeScript-like {@code type NAME = (_: {...}) => any;}.
 *
 * @param name the tool's name, never null
 * @param description what the tool does, rendered as {@code //} comment lines, never null
 * @param parameters the JSON schema of its single argument object, or null for a tool without parameters
 */
public record ToolDescription(String name, String description, JsonNode parameters) {

  /** Creates the record, checking its components and copying any collection it is given. */
  public ToolDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    // JsonNode is mutable: keep a private copy so the record stays immutable.
    parameters = parameters == null || parameters.isNull() ? null : parameters.deepCopy();
  }

  /**
   * The parameter schema (a copy), or null.
   *
   * @return a fresh deep copy of the JSON Schema of the tool's arguments, or null if it takes none
   */
  @Override
  public JsonNode parameters() {
    return parameters == null ? null : parameters.deepCopy();
  }

  /** The schema itself, for rendering without copying. */
  JsonNode schema() {
    return parameters;
  }
}
