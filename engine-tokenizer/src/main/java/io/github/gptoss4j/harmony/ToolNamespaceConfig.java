package io.github.gptoss4j.harmony;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A namespace of tools, rendered as a {@code ## NAME} section (e.g. {@code browser}, {@code python},
 * {@code functions}).
 *
 * @param name the namespace name, never null
 * @param description rendered above the namespace, or null
 * @param tools the tools in the namespace (may be empty, as for {@code python})
 */
public record ToolNamespaceConfig(String name, String description, List<ToolDescription> tools) {

  /** Creates the record, checking its components and copying any collection it is given. */
  public ToolNamespaceConfig {
    Objects.requireNonNull(name, "name");
    tools = List.copyOf(tools);
  }

  /**
   * Harmony's built-in {@code browser} namespace with its search, open and find tools.
   *
   * @return the browser namespace, as harmony renders it
   */
  public static ToolNamespaceConfig browser() {
    return new ToolNamespaceConfig(
        "browser",
        """
        Tool for browsing.
        The `cursor` appears in brackets before each browsing display: `[{cursor}]`.
        Cite information from the tool using the following format:
        `【{cursor}†L{line_start}(-L{line_end})?】`, for example: `【6†L9-L11】` or `【8†L3】`.
        Do not quote more than 10 words directly from the tool output.
        sources=web (default: web)""",
        List.of(
            new ToolDescription(
                "search",
                "Searches for information related to `query` and displays `topn` results.",
                json(
                    """
                    {"type": "object", "properties": {"query": {"type": "string"},
                     "topn": {"type": "number", "default": 10}, "source": {"type": "string"}},
                     "required": ["query"]}""")),
            new ToolDescription(
                "open",
                """
                Opens the link `id` from the page indicated by `cursor` starting at line number `loc`, \
                showing `num_lines` lines.
                Valid link ids are displayed with the formatting: `【{id}†.*】`.
                If `cursor` is not provided, the most recent page is implied.
                If `id` is a string, it is treated as a fully qualified URL associated with `source`.
                If `loc` is not provided, the viewport will be positioned at the beginning of the document \
                or centered on the most relevant passage, if available.
                Use this function without `id` to scroll to a new location of an opened page.""",
                json(
                    """
                    {"type": "object", "properties": {
                     "id": {"type": ["number", "string"], "default": -1},
                     "cursor": {"type": "number", "default": -1}, "loc": {"type": "number", "default": -1},
                     "num_lines": {"type": "number", "default": -1},
                     "view_source": {"type": "boolean", "default": false},
                     "source": {"type": "string"}}}""")),
            new ToolDescription(
                "find",
                "Finds exact matches of `pattern` in the current page, or the page given by `cursor`.",
                json(
                    """
                    {"type": "object", "properties": {"pattern": {"type": "string"},
                     "cursor": {"type": "number", "default": -1}}, "required": ["pattern"]}"""))));
  }

  /**
   * Harmony's built-in {@code python} namespace (a description, no typed tools).
   *
   * @return the python namespace, as harmony renders it
   */
  public static ToolNamespaceConfig python() {
    return new ToolNamespaceConfig(
        "python",
        "Use this tool to execute Python code in your chain of thought. The code will not be shown to the"
            + " user. This tool should be used for internal reasoning, but not for code that is intended to"
            + " be visible to the user (e.g. when creating plots, tables, or files).\n\nWhen you send a"
            + " message containing Python code to python, it will be executed in a stateful Jupyter notebook"
            + " environment. python will respond with the output of the execution or time out after 120.0"
            + " seconds. The drive at '/mnt/data' can be used to save and persist user files. Internet"
            + " access for this session is UNKNOWN. Depends on the cluster.",
        List.of());
  }

  /** Namespaces sorted by name, as harmony renders them; null stays null (no tools section). */
  static SortedMap<String, ToolNamespaceConfig> sortedCopy(Map<String, ToolNamespaceConfig> tools) {
    return tools == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(tools));
  }

  /** {@code tools} plus {@code namespace}, replacing a namespace of the same name. */
  static SortedMap<String, ToolNamespaceConfig> adding(
      Map<String, ToolNamespaceConfig> tools, ToolNamespaceConfig namespace) {
    TreeMap<String, ToolNamespaceConfig> out = tools == null ? new TreeMap<>() : new TreeMap<>(tools);
    out.put(namespace.name(), namespace);
    return Collections.unmodifiableSortedMap(out);
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("built-in tool schema is not valid JSON", e);
    }
  }
}
