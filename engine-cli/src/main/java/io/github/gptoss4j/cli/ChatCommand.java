package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code gptoss chat}: an interactive multi-turn conversation; the KV cache is reused between turns. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Chat with the model, one line per message. Commands: /reset (forget the conversation),"
          + " /effort low|medium|high (reasoning effort from the next message on), /quit (or end of input).",
      "Ctrl-C cancels the answer being written and keeps the chat going. Reads piped stdin too.",
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
    boolean terminal = Terminal.isTerminal();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (GptOss model = options.load(err);
        ChatSession session = model.newSession()) {
      err.println(HELP);
      err.flush();
      while (true) {
        if (terminal) {
          out.print("> ");
          out.flush();
        }
        String line = in.readLine();
        if (line == null || (line = line.strip()).equals("/quit") || line.equals("/exit")) {
          return 0;
        }
        if (line.startsWith("/")) {
          command(line.split("\\s+"), session, err);
        } else if (!line.isEmpty()) {
          turn(session, settings, line, out, err);
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
  private void turn(ChatSession session, GenerationRequest settings, String line, PrintWriter out, PrintWriter err) {
    GenerationRequest.Builder turn = settings.followUp().user(line);
    if (effort != null) {
      turn.reasoningEffort(effort);
    }
    try {
      answer(session, turn.build(), options.printer(out, err));
    } catch (GenerationException e) {
      // e.g. the conversation outgrew the context: the user may /reset and go on
      out.flush();
      err.println("error: " + e.getMessage());
      err.flush();
    }
  }

  /** Generates one answer; Ctrl-C meanwhile cancels it instead of ending the program. */
  private static void answer(ChatSession session, GenerationRequest request, ReplyPrinter printer) {
    SignalHandler previous = onInterrupt(signal -> session.cancel());
    try {
      session.generate(request, printer);
    } finally {
      if (previous != null) {
        Signal.handle(new Signal("INT"), previous);
      }
    }
  }

  /** Installs {@code handler} for SIGINT and returns the one it replaces; null where signals are not available. */
  private static SignalHandler onInterrupt(SignalHandler handler) {
    try {
      return Signal.handle(new Signal("INT"), handler);
    } catch (IllegalArgumentException e) {
      return null; // no SIGINT here, or the JVM was started with -Xrs: Ctrl-C keeps its default action
    }
  }
}
