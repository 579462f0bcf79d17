package io.github.gptoss4j.harmony;

import java.util.List;
import java.util.SortedMap;

/**
 * The content of the developer message: instructions ({@code # Instructions}) and the tools the model may
 * call ({@code # Tools}); function tools live in the {@code functions} namespace.
 *
 * @param instructions the developer's instructions, or null
 * @param tools tool namespaces by name (rendered in name order), or null
 */
public record DeveloperContent(String instructions, SortedMap<String, ToolNamespaceConfig> tools)
    implements Content {

  /** Creates the record, checking its components and copying any collection it is given. */
  public DeveloperContent {
    tools = ToolNamespaceConfig.sortedCopy(tools);
  }

  /**
   * No instructions and no tools (harmony's {@code DeveloperContent.new()}).
   *
   * @return a new, empty developer content
   */
  public static DeveloperContent empty() {
    return new DeveloperContent(null, null);
  }

  /**
   * A copy with {@code instructions} replaced (null removes it).
   *
   * @param value the developer instructions, or null for none
   * @return a new content; this one is unchanged
   */
  public DeveloperContent withInstructions(String value) {
    return new DeveloperContent(value, tools);
  }

  /**
   * Adds (or replaces, by name) a tool namespace.
   *
   * @param namespace the namespace to add; one with the same name is replaced
   * @return a new content; this one is unchanged
   */
  public DeveloperContent withTools(ToolNamespaceConfig namespace) {
    return new DeveloperContent(instructions, ToolNamespaceConfig.adding(tools, namespace));
  }

  /**
   * Sets the {@code functions} namespace to these tools.
   *
   * @param functions the function tools, in the order they are rendered; copied
   * @return a new content; this one is unchanged
   */
  public DeveloperContent withFunctionTools(List<ToolDescription> functions) {
    return withTools(new ToolNamespaceConfig(HarmonyRenderer.FUNCTIONS_NAMESPACE, null, functions));
  }
}
