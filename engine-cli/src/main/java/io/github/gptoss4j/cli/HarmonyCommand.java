package io.github.gptoss4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.harmony.HarmonyException;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.RenderConversationConfig;
import io.github.gptoss4j.harmony.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gptoss harmony}: render conversations to token ids and parse token ids into messages. */
@Command(
    name = "harmony",
    mixinStandardHelpOptions = true,
    description = "The Harmony chat format of gpt-oss: render conversations, parse completions.",
    subcommands = {HarmonyCommand.Render.class, HarmonyCommand.Parse.class})
final class HarmonyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code gptoss harmony render}: one {"ids": [...]} line per case. */
  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description = {
        "Render Harmony conversations to o200k_harmony token ids.",
        "Each input line is a JSON object: \"conversation\" (harmony's JSON form), \"render\" = completion"
            + " (default; ends with <|start|>assistant) | conversation | training, and \"auto_drop_analysis\""
            + " (default true). Each output line is {\"ids\": [...]}, in input order; blank lines are skipped."
      })
  static final class Render implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "CASES.jsonl", description = "Input, one case per line.")
    Path in;

    @Option(names = "--out", paramLabel = "OUT.jsonl", description = "Output file (default: standard output).")
    Path out;

    @Override
    public Integer call() throws IOException {
      HarmonyEncoding harmony = HarmonyEncoding.gptOss();
      IdsJsonLines.run(in, out, spec.commandLine().getOut(), (testCase, where) -> {
        try {
          return renderLine(harmony, testCase, where);
        } catch (HarmonyException e) {
          throw new CliException(where + ": " + e.getMessage());
        }
      });
      return 0;
    }

    private static int[] renderLine(HarmonyEncoding harmony, JsonNode testCase, String where) {
      JsonNode conversationNode = testCase.get("conversation");
      if (conversationNode == null) {
        throw new CliException(where + ": missing \"conversation\"");
      }
      Conversation conversation = Conversation.fromJson(conversationNode.toString());
      JsonNode drop = testCase.get("auto_drop_analysis");
      if (drop != null && !drop.isBoolean()) {
        throw new CliException(where + ": \"auto_drop_analysis\" must be true or false, got " + drop);
      }
      RenderConversationConfig config = new RenderConversationConfig(drop == null || drop.booleanValue());
      JsonNode mode = testCase.get("render");
      String name = mode == null ? "completion" : mode.asText();
      return switch (name) {
            case "completion" -> harmony.renderConversationForCompletion(conversation, Role.ASSISTANT, config);
            case "conversation" -> harmony.renderConversation(conversation, config);
            case "training" -> harmony.renderConversationForTraining(conversation, config);
            default ->
                throw new CliException(
                    where + ": unknown \"render\" value '" + name + "': expected completion, conversation or training");
          };
    }
  }

  /** {@code gptoss harmony parse}: the messages of a completion, as harmony JSON. */
  @Command(
      name = "parse",
      mixinStandardHelpOptions = true,
      description = {
        "Parse o200k_harmony token ids (a model's completion) into Harmony messages.",
        "TOKENS.txt holds decimal ids separated by commas and/or whitespace (a JSON array also works)."
            + " Prints {\"messages\": [...]} in harmony's JSON form."
      })
  static final class Parse implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "TOKENS.txt", description = "Token ids.")
    Path in;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        description = "Role of the first message when the ids follow a prompt ending in <|start|>ROLE"
            + " (e.g. assistant); omit when the ids start with <|start|>.")
    String role;

    @Option(names = "--lenient", description = "Recover from headers without <|message|> as harmony's non-strict mode.")
    boolean lenient;

    @Override
    public Integer call() throws IOException {
      int[] tokens = readTokens(in);
      Role first;
      List<Message> messages;
      try {
        first = role == null ? null : Role.fromValue(role);
        messages = HarmonyEncoding.gptOss().parseMessagesFromCompletionTokens(tokens, first, !lenient);
      } catch (HarmonyException e) {
        String hint = role == null ? " (if the ids follow <|start|>assistant, pass --role assistant)" : "";
        throw new CliException(in + ": " + e.getMessage() + hint);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(new Conversation(messages).toJson());
      out.flush();
      return 0;
    }
  }

  /** Ids separated by commas and/or whitespace, optionally inside [ ]. */
  static int[] readTokens(Path file) {
    String text = IdsJsonLines.readString(file, "--in").strip();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    List<Integer> ids = new ArrayList<>();
    for (String part : text.split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      // Integer.parseInt also takes a sign and non-ASCII digits (Arabic-Indic, fullwidth...): ids are ASCII.
      if (part.length() > 9 || !part.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        throw new CliException(
            file + ": '" + part + "' (entry " + (ids.size() + 1) + ") is not a token id; expected decimal ids"
                + " (ASCII digits) separated by commas or whitespace");
      }
      ids.add(Integer.parseInt(part));
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

}
