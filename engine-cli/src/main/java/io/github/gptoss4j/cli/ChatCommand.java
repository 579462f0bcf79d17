package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gptoss chat}: an interactive multi-turn conversation; the KV cache is reused between turns. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Chat with the model, one line per message. Commands: /reset (forget the conversation),"
          + " /effort low|medium|high (reasoning effort from the next message on), /quit (or end of input).",
      "On a terminal: line editing and history (arrow keys), Ctrl-C cancels the answer being written and keeps"
          + " the chat going, Ctrl-D ends it. Reads piped stdin too.",
      "Without --model, runs the demo model (random weights, written on first use)."
    })
final class ChatCommand implements Callable<Integer> {
  private static final String HELP = "commands: /reset, /effort low|medium|high, /quit";

  @Spec CommandSpec spec;

  @Mixin GenerationOptions options;

  private ReasoningEffort effort;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GenerationRequest settings = options.request().build(); // bad options fail before loading
    effort = settings.reasoningEffort();
    try (GptOss model = options.load(err);
        ChatSession session = model.newSession();
        ChatInput in = ChatInput.open(System.in)) {
      err.println(HELP);
      err.flush();
      while (true) {
        String line = in.readLine();
        if (line == null || (line = line.strip()).equals("/quit") || line.equals("/exit")) {
          return 0;
        }
        if (line.startsWith("/")) {
          command(line.split("\\s+"), session, err);
        } else if (!line.isEmpty()) {
          turn(session, settings, line, in, out, err);
        }
      }
    }
  }

  /** Runs a slash command other than /quit. */
  private void command(String[] words, ChatSession session, PrintWriter err) {
    switch (words[0]) {
      case "/reset" -> {
        session.reset();
        err.println("(conversation forgotten)");
      }
      case "/effort" -> {
        ReasoningEffort chosen = effort(words);
        if (chosen != null) {
          effort = chosen;
          err.println("(reasoning effort: " + words[1] + ")");
        }
      }
      default -> err.println("unknown command " + words[0] + "; " + HELP);
    }
    err.flush();
  }

  /** The effort named by {@code /effort WORD}, or null (after saying what is expected). */
  private ReasoningEffort effort(String[] words) {
    if (words.length == 2) {
      for (GenerationOptions.Effort e : GenerationOptions.Effort.values()) {
        if (e.name().equals(words[1].toLowerCase(Locale.ROOT))) {
          return e.effort;
        }
      }
    }
    spec.commandLine().getErr().println("usage: /effort low|medium|high");
    return null;
  }

  /** Answers one user message; a turn that cannot run is reported and the chat goes on. */
  private void turn(
      ChatSession session, GenerationRequest settings, String line, ChatInput in, PrintWriter out, PrintWriter err) {
    GenerationRequest.Builder turn = settings.followUp().user(line);
    if (effort != null) {
      turn.reasoningEffort(effort);
    }
    try {
      GenerationRequest request = turn.build();
      ReplyPrinter printer = options.printer(out, err);
      in.cancellable(() -> session.generate(request, printer), session::cancel);
    } catch (GenerationException e) {
      // e.g. the conversation outgrew the context: the user may /reset and go on
      out.flush();
      err.println("error: " + e.getMessage());
      err.flush();
    }
  }
}
