package io.github.gptoss4j.harmony;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Harmony's rendering rules (openai/harmony {@code src/encoding.rs}), producing {@link Piece}s that
 * {@link HarmonyEncoding} turns into token ids or text.
 */
final class HarmonyRenderer {

  static final String FUNCTIONS_NAMESPACE = "functions";

  private HarmonyRenderer() {}

  /** The conversation's messages, with earlier turns' analysis dropped where {@code autoDropAnalysis} says. */
  static List<Piece> conversation(Conversation conversation, boolean autoDropAnalysis) {
    List<Message> messages = conversation.messages();
    boolean functionTools = messages.stream().anyMatch(HarmonyRenderer::declaresFunctionTools);
    int firstFinal = -1;
    for (int i = 0; i < messages.size() && firstFinal < 0; i++) {
      if ("final".equals(messages.get(i).channel())) {
        firstFinal = i;
      }
    }
    // Analysis is only dropped once the assistant's latest message is a final answer: while a tool call
    // is in progress the model still needs its chain of thought.
    boolean drop = autoDropAnalysis && lastAssistantIsFinal(messages);
    List<Piece> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      if (drop && i < firstFinal && "analysis".equals(message.channel())) {
        continue;
      }
      message(message, functionTools, "messages[" + i + "]", out);
    }
    return out;
  }

  static List<Piece> forCompletion(Conversation conversation, Role nextRole, boolean autoDropAnalysis) {
    List<Piece> out = conversation(conversation, autoDropAnalysis);
    out.add(Piece.of(FormattingToken.START));
    out.add(Piece.text(nextRole.value()));
    return out;
  }

  /** As {@link #conversation}, but a final assistant answer at the end closes with {@code <|return|>}. */
  static List<Piece> forTraining(Conversation conversation, boolean autoDropAnalysis) {
    List<Piece> out = conversation(conversation, autoDropAnalysis);
    List<Message> messages = conversation.messages();
    if (!messages.isEmpty() && !out.isEmpty()) {
      Message last = messages.getLast();
      if (last.author().role() == Role.ASSISTANT && "final".equals(last.channel())) {
        out.set(out.size() - 1, Piece.of(FormattingToken.RETURN));
      }
    }
    return out;
  }

  static List<Piece> message(Message message) {
    List<Piece> out = new ArrayList<>();
    message(message, false, "message", out);
    return out;
  }

  private static void message(Message message, boolean functionTools, String path, List<Piece> out) {
    Author author = message.author();
    out.add(Piece.of(FormattingToken.START));
    if (author.role() == Role.TOOL) {
      // a tool's reply is authored by the tool's own name, e.g. functions.get_weather
      if (author.name() == null) {
        throw new HarmonyException(
            path + ": a tool message needs an author name (the tool that answers, e.g. functions.get_weather)");
      }
      out.add(Piece.text(author.name()));
    } else {
      out.add(Piece.text(author.role().value()));
      if (author.name() != null) {
        out.add(Piece.text(":" + author.name()));
      }
    }
    if (message.recipient() != null && !message.recipient().equals("all")) {
      out.add(Piece.text(" to=" + message.recipient()));
    }
    if (message.channel() != null) {
      out.add(Piece.of(FormattingToken.CHANNEL));
      out.add(Piece.text(message.channel()));
    }
    String contentType = message.contentType();
    if (contentType != null) {
      if (contentType.startsWith(FormattingToken.CONSTRAIN.text)) {
        // <|constrain|> must stay one special token even though the content type is a string
        out.add(Piece.text(" "));
        out.add(Piece.of(FormattingToken.CONSTRAIN));
        String rest = contentType.substring(FormattingToken.CONSTRAIN.text.length());
        if (!rest.isEmpty()) {
          out.add(Piece.text(rest));
        }
      } else {
        out.add(Piece.text(" " + contentType));
      }
    }
    out.add(Piece.of(FormattingToken.MESSAGE));
    for (Content part : message.content()) {
      out.add(Piece.text(content(part, author.role(), functionTools, path)));
    }
    boolean toolCall = author.role() == Role.ASSISTANT && message.recipient() != null;
    out.add(Piece.of(toolCall ? FormattingToken.CALL : FormattingToken.END));
  }

  private static String content(Content part, Role role, boolean functionTools, String path) {
    return switch (part) {
      case TextContent text -> text.text();
      case SystemContent sys -> {
        if (role != Role.SYSTEM) {
          throw new HarmonyException(path + ": system_content may only appear in a system message, found in a " + role + " message");
        }
        yield system(sys, functionTools);
      }
      case DeveloperContent dev -> {
        if (role != Role.DEVELOPER) {
          throw new HarmonyException(path + ": developer_content may only appear in a developer message, found in a " + role + " message");
        }
        yield developer(dev);
      }
    };
  }

  private static boolean declaresFunctionTools(Message message) {
    for (Content part : message.content()) {
      if (part instanceof DeveloperContent dev && dev.tools() != null) {
        ToolNamespaceConfig functions = dev.tools().get(FUNCTIONS_NAMESPACE);
        if (functions != null && !functions.tools().isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean lastAssistantIsFinal(List<Message> messages) {
    for (Message message : messages.reversed()) {
      if (message.author().role() == Role.ASSISTANT) {
        return "final".equals(message.channel());
      }
    }
    return false;
  }

  static String system(SystemContent sys, boolean functionTools) {
    List<String> sections = new ArrayList<>();
    List<String> top = new ArrayList<>();
    if (sys.modelIdentity() != null) {
      top.add(sys.modelIdentity());
    }
    if (sys.knowledgeCutoff() != null) {
      top.add("Knowledge cutoff: " + sys.knowledgeCutoff());
    }
    if (sys.conversationStartDate() != null) {
      top.add("Current date: " + sys.conversationStartDate());
    }
    if (!top.isEmpty()) {
      sections.add(String.join("\n", top));
    }
    if (sys.reasoningEffort() != null) {
      sections.add("Reasoning: " + sys.reasoningEffort().renderedName());
    }
    if (sys.tools() != null && !sys.tools().isEmpty()) {
      sections.add(toolsSection(sys.tools()));
    }
    ChannelConfig channels = sys.channelConfig();
    if (channels != null && !channels.validChannels().isEmpty()) {
      StringBuilder header =
          new StringBuilder("# Valid channels: ").append(String.join(", ", channels.validChannels())).append('.');
      if (channels.channelRequired()) {
        header.append(" Channel must be included for every message.");
      }
      if (functionTools) {
        header.append("\nCalls to these tools must go to the commentary channel: 'functions'.");
      }
      sections.add(header.toString());
    }
    return String.join("\n\n", sections);
  }

  static String developer(DeveloperContent dev) {
    List<String> sections = new ArrayList<>();
    if (dev.instructions() != null) {
      sections.add("# Instructions");
      sections.add(dev.instructions());
    }
    if (dev.tools() != null && !dev.tools().isEmpty()) {
      sections.add(toolsSection(dev.tools()));
    }
    return String.join("\n\n", sections);
  }

  private static String toolsSection(Map<String, ToolNamespaceConfig> tools) {
    List<String> sections = new ArrayList<>();
    sections.add("# Tools");
    for (ToolNamespaceConfig ns : tools.values()) {
      List<String> lines = new ArrayList<>();
      lines.add("## " + ns.name() + "\n");
      boolean typed = !ns.tools().isEmpty();
      if (ns.description() != null) {
        for (String line : TypeScriptSchema.lines(ns.description())) {
          lines.add(typed ? "// " + line : line);
        }
      }
      if (typed) {
        lines.add("namespace " + ns.name() + " {\n");
        for (ToolDescription tool : ns.tools()) {
          for (String line : TypeScriptSchema.lines(tool.description())) {
            lines.add("// " + line);
          }
          if (tool.schema() != null) {
            lines.add("type " + tool.name() + " = (_: " + TypeScriptSchema.render(tool.schema(), "") + ") => any;\n");
          } else {
            lines.add("type " + tool.name() + " = () => any;\n");
          }
        }
        lines.add("} // namespace " + ns.name());
      }
      sections.add(String.join("\n", lines));
    }
    return String.join("\n\n", sections);
  }

  /** The pieces as text, special tokens spelled out. */
  static String text(List<Piece> pieces) {
    StringBuilder out = new StringBuilder();
    for (Piece piece : pieces) {
      out.append(piece.text());
    }
    return out.toString();
  }
}
