package io.github.gptoss4j.harmony;

import java.util.List;

/**
 * An ordered list of messages, the unit Harmony renders.
 *
 * @param messages the messages, in order
 */
public record Conversation(List<Message> messages) {

  /** Creates the record, checking its components and copying any collection it is given. */
  public Conversation {
    messages = List.copyOf(messages);
  }

  /**
   * A conversation of these messages.
   *
   * @param messages the messages in order; copied, so later changes to the array are not seen
   * @return a new immutable conversation
   */
  public static Conversation of(Message... messages) {
    return new Conversation(List.of(messages));
  }

  /**
   * This conversation in harmony's JSON form ({@code Conversation.to_json}): {@code {"messages": [...]}}.
   *
   * @return the JSON text, which {@link #fromJson(String)} reads back
   */
  public String toJson() {
    return HarmonyJson.write(HarmonyJson.conversationNode(this));
  }

  /**
   * Reads a conversation in harmony's JSON form. Missing or null optional fields are absent (as in
   * harmony's Rust core): a system content without {@code knowledge_cutoff} renders no cutoff line.
   *
   * @param json a JSON object with a {@code messages} array, not null
   * @return the conversation it describes
   * @throws HarmonyException naming the message index and field that is missing or malformed
   */
  public static Conversation fromJson(String json) {
    return HarmonyJson.conversation(HarmonyJson.parse(json));
  }
}
