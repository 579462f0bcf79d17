package io.github.gptoss4j.harmony;

import java.util.Objects;

/**
 * Plain text content, rendered as it is.
 *
 * @param text the text, never null
 */
public record TextContent(String text) implements Content {

  /** Creates the record, checking its components and copying any collection it is given. */
  public TextContent {
    Objects.requireNonNull(text, "text");
  }
}
