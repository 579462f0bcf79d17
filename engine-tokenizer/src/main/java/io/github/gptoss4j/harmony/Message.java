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

  /**
   * A message from {@code role} with plain text.
   *
   * @param role the author's role, not null
   * @param text the message text, not null
   * @return a new message without channel, recipient or content type
   */
  public static Message of(Role role, String text) {
    return of(Author.of(role), new TextContent(text));
  }

  /**
   * A message from {@code role} with one content part.
   *
   * @param role the author's role, not null
   * @param content the single content part, not null
   * @return a new message without channel, recipient or content type
   */
  public static Message of(Role role, Content content) {
    return of(Author.of(role), content);
  }

  /**
   * A message from {@code author} with plain text (e.g. a tool's reply, authored by the tool's name).
   *
   * @param author the author (role and optional name), not null
   * @param text the message text, not null
   * @return a new message without channel, recipient or content type
   */
  public static Message of(Author author, String text) {
    return of(author, new TextContent(text));
  }

  /**
   * A message from {@code author} with one content part.
   *
   * @param author the author (role and optional name), not null
   * @param content the single content part, not null
   * @return a new message without channel, recipient or content type
   */
  public static Message of(Author author, Content content) {
    return new Message(author, null, null, null, List.of(content));
  }

  /**
   * A copy with {@code recipient} replaced (null removes it).
   *
   * @param value the recipient, e.g. {@code functions.get_weather}, or null for none
   * @return a new message; this one is unchanged
   */
  public Message withRecipient(String value) {
    return new Message(author, value, channel, contentType, content);
  }

  /**
   * A copy with {@code channel} replaced (null removes it).
   *
   * @param value the channel, e.g. {@code analysis} or {@code final}, or null for none
   * @return a new message; this one is unchanged
   */
  public Message withChannel(String value) {
    return new Message(author, recipient, value, contentType, content);
  }

  /**
   * A copy with {@code contentType} replaced (null removes it).
   *
   * @param value the content type, e.g. {@code <|constrain|>json}, or null for none
   * @return a new message; this one is unchanged
   */
  public Message withContentType(String value) {
    return new Message(author, recipient, channel, value, content);
  }

  /**
   * This message with one more content part at the end.
   *
   * @param part the content part to append, not null
   * @return a new message; this one is unchanged
   */
  public Message addingContent(Content part) {
    List<Content> parts = new ArrayList<>(content);
    parts.add(part);
    return new Message(author, recipient, channel, contentType, parts);
  }

  /**
   * The concatenated text of the {@link TextContent} parts (what a parsed message holds).
   *
   * @return the text parts joined without separator; empty if there are none
   */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (Content part : content) {
      if (part instanceof TextContent text) {
        out.append(text.text());
      }
    }
    return out.toString();
  }

  /**
   * This message in harmony's JSON form ({@code Message.to_json}).
   *
   * @return the JSON text
   */
  public String toJson() {
    return HarmonyJson.write(HarmonyJson.messageNode(this));
  }

  /**
   * Reads a message in harmony's JSON form.
   *
   * @param json a JSON object as {@link #toJson()} writes it, not null
   * @return the message it describes
   * @throws HarmonyException naming the field that is missing or malformed
   */
  public static Message fromJson(String json) {
    return HarmonyJson.message(HarmonyJson.parse(json), "message");
  }
}
