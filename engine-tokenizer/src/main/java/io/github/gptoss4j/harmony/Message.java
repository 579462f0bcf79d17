package io.github.gptoss4j.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One Harmony message: {@code <|start|>AUTHOR[ to=RECIPIENT][<|channel|>CHANNEL][ CONTENT_TYPE]<|message|>
 * CONTENT<|end|>}. Build with {@link #of(Role, String)} and the {@code with...} methods.
 *
 * @param author who wrote it
 * @param recipient where it goes (a tool such as {@code functions.get_weather}), or null for everyone
 * @param channel {@code analysis}, {@code commentary}, {@code final}, ..., or null
 * @param contentType e.g. {@code json} or {@code <|constrain|>json}, or null
 * @param content the content parts, rendered one after the other
 */
public record Message(
    Author author, String recipient, String channel, String contentType, List<Content> content) {

  /** Creates the record, checking its components and copying any collection it is given. */
  public Message {
    Objects.requireNonNull(author, "author");
    content = List.copyOf(content);
  }

  /** A message from {@code role} with plain text. */
  public static Message of(Role role, String text) {
    return of(Author.of(role), new TextContent(text));
  }

  /** A message from {@code role} with one content part. */
  public static Message of(Role role, Content content) {
    return of(Author.of(role), content);
  }

  /** A message from {@code author} with plain text (e.g. a tool's reply, authored by the tool's name). */
  public static Message of(Author author, String text) {
    return of(author, new TextContent(text));
  }

  /** A message from {@code author} with one content part. */
  public static Message of(Author author, Content content) {
    return new Message(author, null, null, null, List.of(content));
  }

  /** A copy with {@code recipient} replaced (null removes it). */
  public Message withRecipient(String value) {
    return new Message(author, value, channel, contentType, content);
  }

  /** A copy with {@code channel} replaced (null removes it). */
  public Message withChannel(String value) {
    return new Message(author, recipient, value, contentType, content);
  }

  /** A copy with {@code contentType} replaced (null removes it). */
  public Message withContentType(String value) {
    return new Message(author, recipient, channel, value, content);
  }

  /** This message with one more content part at the end. */
  public Message addingContent(Content part) {
    List<Content> parts = new ArrayList<>(content);
    parts.add(part);
    return new Message(author, recipient, channel, contentType, parts);
  }

  /** The concatenated text of the {@link TextContent} parts (what a parsed message holds). */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (Content part : content) {
      if (part instanceof TextContent text) {
        out.append(text.text());
      }
    }
    return out.toString();
  }

  /** This message in harmony's JSON form ({@code Message.to_json}). */
  public String toJson() {
    return HarmonyJson.write(HarmonyJson.messageNode(this));
  }

  /**
   * Reads a message in harmony's JSON form.
   *
   * @throws HarmonyException naming the field that is missing or malformed
   */
  public static Message fromJson(String json) {
    return HarmonyJson.message(HarmonyJson.parse(json), "message");
  }
}
