package io.github.gptoss4j.structured;

import io.github.gptoss4j.generate.GenerationException;
import java.io.Serial;

/**
 * A JSON Schema that structured output cannot enforce: not JSON, not a schema, or using a keyword outside the
 * supported subset. The message names the keyword and its JSON pointer in the schema (e.g. {@code
 * #/properties/age: unsupported keyword 'minimum'}).
 */
public final class SchemaException extends GenerationException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * An error described by {@code message}.
   *
   * @param message what is wrong, naming the keyword and its JSON pointer where there is one
   */
  public SchemaException(String message) {
    super(message);
  }
}
