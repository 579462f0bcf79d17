package io.github.gptoss4j.server;

import io.github.gptoss4j.harmony.Author;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.Role;

/** How both APIs' past tool calls and results become Harmony messages. */
final class Harmony {
  private Harmony() {}

  /** A past function call, as Harmony renders one: to the function, on commentary, constrained to JSON. */
  static Message pastCall(String name, String arguments) {
    return Message.of(Role.ASSISTANT, arguments)
        .withChannel("commentary")
        .withRecipient("functions." + name)
        .withContentType("<|constrain|>json");
  }

  /** A function's result, from the function to the assistant. */
  static Message toolResult(String name, String output) {
    return Message.of(new Author(Role.TOOL, "functions." + name), output)
        .withRecipient("assistant")
        .withChannel("commentary");
  }

  /** The name a client sees for a recipient: {@code functions.NAME} is function {@code NAME}. */
  static String functionName(String recipient) {
    return recipient.startsWith("functions.") ? recipient.substring("functions.".length()) : recipient;
  }
}
