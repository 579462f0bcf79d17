package io.github.gptoss4j.harmony;

import java.util.List;
import java.util.SortedMap;

/**
 * The content of the system message: model identity, dates, reasoning effort, built-in tools and channels.
 * Every field may be null, which leaves its line out of the rendering. Start from {@link #defaults()}
 * (harmony's {@code SystemContent.new()}) and change fields with the {@code with...} methods.
 *
 * @param modelIdentity first line, e.g. "You are ChatGPT, a large language model trained by OpenAI."
 * @param reasoningEffort rendered as {@code Reasoning: low|medium|high}
 * @param tools built-in tool namespaces by name (rendered in name order), or null
 * @param conversationStartDate rendered as {@code Current date: ...}
 * @param knowledgeCutoff rendered as {@code Knowledge cutoff: ...}
 * @param channelConfig rendered as the {@code # Valid channels: ...} line
 */
public record SystemContent(
    String modelIdentity,
    ReasoningEffort reasoningEffort,
    SortedMap<String, ToolNamespaceConfig> tools,
    String conversationStartDate,
    String knowledgeCutoff,
    ChannelConfig channelConfig)
    implements Content {

  /** Creates the record, checking its components and copying any collection it is given. */
  public SystemContent {
    tools = ToolNamespaceConfig.sortedCopy(tools);
  }

  /**
   * Harmony's defaults: the ChatGPT identity, medium effort, knowledge cutoff 2024-06, required channels
   * analysis, commentary and final, no tools and no date.
   *
   * @return a new system content with harmony's defaults
   */
  public static SystemContent defaults() {
    return new SystemContent(
        "You are ChatGPT, a large language model trained by OpenAI.",
        ReasoningEffort.MEDIUM,
        null,
        null,
        "2024-06",
        ChannelConfig.requireChannels(List.of("analysis", "commentary", "final")));
  }

  /**
   * A copy with {@code modelIdentity} replaced (null removes it).
   *
   * @param value the model identity line, or null for none
   * @return a new content; this one is unchanged
   */
  public SystemContent withModelIdentity(String value) {
    return new SystemContent(value, reasoningEffort, tools, conversationStartDate, knowledgeCutoff, channelConfig);
  }

  /**
   * A copy with {@code reasoningEffort} replaced (null removes it).
   *
   * @param value the reasoning effort, or null to render none
   * @return a new content; this one is unchanged
   */
  public SystemContent withReasoningEffort(ReasoningEffort value) {
    return new SystemContent(modelIdentity, value, tools, conversationStartDate, knowledgeCutoff, channelConfig);
  }

  /**
   * A copy with {@code conversationStartDate} replaced (null removes it).
   *
   * @param value the conversation's start date as rendered (e.g. {@code 2025-06-28}), or null for none
   * @return a new content; this one is unchanged
   */
  public SystemContent withConversationStartDate(String value) {
    return new SystemContent(modelIdentity, reasoningEffort, tools, value, knowledgeCutoff, channelConfig);
  }

  /**
   * A copy with {@code knowledgeCutoff} replaced (null removes it).
   *
   * @param value the knowledge cutoff as rendered (e.g. {@code 2024-06}), or null for none
   * @return a new content; this one is unchanged
   */
  public SystemContent withKnowledgeCutoff(String value) {
    return new SystemContent(modelIdentity, reasoningEffort, tools, conversationStartDate, value, channelConfig);
  }

  /**
   * A copy with {@code channelConfig} replaced (null removes it).
   *
   * @param value the channel config, or null for none
   * @return a new content; this one is unchanged
   */
  public SystemContent withChannelConfig(ChannelConfig value) {
    return new SystemContent(modelIdentity, reasoningEffort, tools, conversationStartDate, knowledgeCutoff, value);
  }

  /**
   * Requires the given channels (harmony's {@code with_required_channels}).
   *
   * @param channels the required channel names, in order; copied
   * @return a new content; this one is unchanged
   */
  public SystemContent withRequiredChannels(List<String> channels) {
    return withChannelConfig(ChannelConfig.requireChannels(channels));
  }

  /**
   * Adds (or replaces, by name) a tool namespace.
   *
   * @param namespace the namespace to add; one with the same name is replaced
   * @return a new content; this one is unchanged
   */
  public SystemContent withTools(ToolNamespaceConfig namespace) {
    return new SystemContent(
        modelIdentity,
        reasoningEffort,
        ToolNamespaceConfig.adding(tools, namespace),
        conversationStartDate,
        knowledgeCutoff,
        channelConfig);
  }

  /**
   * Adds the built-in {@link ToolNamespaceConfig#browser()} namespace.
   *
   * @return a new content; this one is unchanged
   */
  public SystemContent withBrowserTool() {
    return withTools(ToolNamespaceConfig.browser());
  }

  /**
   * Adds the built-in {@link ToolNamespaceConfig#python()} namespace.
   *
   * @return a new content; this one is unchanged
   */
  public SystemContent withPythonTool() {
    return withTools(ToolNamespaceConfig.python());
  }
}
