package io.github.gptoss4j.harmony;

/** How much the model should reason, rendered as {@code Reasoning: low|medium|high} in the system message. */
public enum ReasoningEffort {
  /** Short reasoning: fastest answers. */
  LOW("Low"),
  /** The default balance of reasoning and speed. */
  MEDIUM("Medium"),
  /** Long reasoning: slowest, for hard questions. */
  HIGH("High");

  private final String jsonName;

  ReasoningEffort(String jsonName) {
    this.jsonName = jsonName;
  }

  /**
   * The name in harmony's JSON form: {@code Low}, {@code Medium} or {@code High}.
   *
   * @return the capitalised JSON name
   */
  public String jsonName() {
    return jsonName;
  }

  /** The lower-case word rendered in the system message. */
  String renderedName() {
    return jsonName.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The effort whose JSON name is {@code jsonName}.
   *
   * @param jsonName {@code Low}, {@code Medium} or {@code High} (exact case)
   * @return the matching effort
   * @throws HarmonyException if it is not {@code Low}, {@code Medium} or {@code High}
   */
  public static ReasoningEffort fromJsonName(String jsonName) {
    for (ReasoningEffort effort : values()) {
      if (effort.jsonName.equals(jsonName)) {
        return effort;
      }
    }
    throw new HarmonyException(
        "unknown reasoning_effort '" + jsonName + "': expected Low, Medium or High");
  }
}
