package io.github.gptoss4j.harmony;

import java.util.Objects;

/**
 * The author of a message: a role and an optional name. Tool messages are rendered by name alone (e.g.
 * {@code functions.get_weather}), so a {@link Role#TOOL} author needs one.
 *
 * @param role the author's role, never null
 * @param name the author's name, or null
 */
public record Author(Role role, String name) {

  /** Creates the record, checking its components and copying any collection it is given. */
  public Author {
    Objects.requireNonNull(role, "role");
  }

  /**
   * An author with a role and no name.
   *
   * @param role the author's role, not null
   * @return an author with that role and a null name
   */
  public static Author of(Role role) {
    return new Author(role, null);
  }
}
