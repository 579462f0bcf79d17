package io.github.gptoss4j.harmony;

/** Who wrote a message; rendered in the message header by its lower-case {@link #value()}. */
public enum Role {
  /** The person asking. */
  USER("user"),
  /** The model. */
  ASSISTANT("assistant"),
  /** The system message: model identity, dates, reasoning effort, built-in tools. */
  SYSTEM("system"),
  /** The developer message: instructions and function tools. */
  DEVELOPER("developer"),
  /** A tool's output, authored by the tool's name. */
  TOOL("tool");

  private final String value;

  Role(String value) {
    this.value = value;
  }

  /**
   * The name used in headers and JSON, e.g. {@code "assistant"}.
   *
   * @return the lower-case role name
   */
  public String value() {
    return value;
  }

  /**
   * The role named {@code value} (exact, lower-case).
   *
   * @param value a role name such as {@code "user"} or {@code "tool"}
   * @return the matching role
   * @throws HarmonyException if no role has that name
   */
  public static Role fromValue(String value) {
    Role role = find(value);
    if (role == null) {
      throw new HarmonyException(
          "unknown role '" + value + "': expected one of user, assistant, system, developer, tool");
    }
    return role;
  }

  /** The role named {@code value}, or null; the parser treats unknown names as tool names. */
  static Role find(String value) {
    for (Role role : values()) {
      if (role.value.equals(value)) {
        return role;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return value;
  }
}
