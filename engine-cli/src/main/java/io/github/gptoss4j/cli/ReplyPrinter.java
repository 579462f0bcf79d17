package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.Stats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Streams one reply to the terminal as its events arrive: the answer plain on stdout; the reasoning dimmed
 * when stdout is a terminal, under {@code [reasoning]} / {@code [answer]} headings when asked for, and left
 * out otherwise (so a redirected stdout holds just the answer); then one stats line on stderr.
 */
final class ReplyPrinter implements Consumer<GenerationEvent> {
  /** How the reasoning (analysis channel) is shown. */
  enum Reasoning {
    /** ANSI dim, for a terminal. */
    DIMMED,
    /** Plain text under headings. */
    HEADINGS,
    /** Not shown. */
    HIDDEN
  }

  private static final String DIM = "\u001b[2m";
  private static final String RESET = "\u001b[0m";

  private final PrintWriter out;
  private final PrintWriter err;
  private final Reasoning reasoning;
  private String section; // the heading printed last, or null
  private boolean dimmed;
  private boolean lineOpen; // text was printed since the last newline

  ReplyPrinter(PrintWriter out, PrintWriter err, Reasoning reasoning) {
    this.out = out;
    this.err = err;
    this.reasoning = reasoning;
  }

  /**
   * {@link Reasoning#HEADINGS} if asked for; else on a terminal dimmed (headings without colours), and hidden
   * when stdout is redirected.
   */
  static Reasoning reasoningMode(boolean showReasoning) {
    if (showReasoning || (Terminal.isTerminal() && !Terminal.colors())) {
      return Reasoning.HEADINGS;
    }
    return Terminal.colors() ? Reasoning.DIMMED : Reasoning.HIDDEN;
  }

  @Override
  public void accept(GenerationEvent event) {
    switch (event) {
      case ReasoningDelta d -> reasoning(d.text());
      case FinalDelta d -> answer(d.text());
      case CommentaryDelta d -> answer(d.text()); // preambles are meant for the user
      case MessageStart m when "final".equals(m.channel()) && lineOpen -> newline();
      case ToolCall c -> {
        newline();
        out.println("[tool call] " + c.recipient() + " " + c.arguments());
      }
      case Done d -> {
        newline();
        out.flush();
        err.println(statsLine(d));
        err.flush();
      }
      default -> {}
    }
    out.flush();
  }

  private void reasoning(String text) {
    switch (reasoning) {
      case HIDDEN -> {}
      case HEADINGS -> print("reasoning", text);
      case DIMMED -> {
        if (!dimmed) {
          out.print(DIM);
          dimmed = true;
        }
        print(null, text);
      }
    }
  }

  private void answer(String text) {
    if (dimmed) {
      out.print(RESET);
      dimmed = false;
      newline();
    }
    print(reasoning == Reasoning.HEADINGS ? "answer" : null, text);
  }

  private void print(String heading, String text) {
    if (heading != null && !heading.equals(section)) {
      newline();
      out.println("[" + heading + "]");
      section = heading;
    }
    out.print(text);
    lineOpen = !text.endsWith("\n");
  }

  private void newline() {
    if (dimmed) {
      out.print(RESET);
      dimmed = false;
    }
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  /**
   * E.g. {@code 85 prompt tokens (80 cached), 64 generated | TTFT 0.05 s | prefill 310.2 tok/s | decode 95.3 tok/s |
   * length}, with {@code | 40 guessed, 25 confirmed} before the stop reason when speculation guessed.
   */
  static String statsLine(Done done) {
    Stats s = done.stats();
    String speculation = s.draftedTokens() == 0 ? ""
        : String.format(Locale.ROOT, " | %d guessed, %d confirmed", s.draftedTokens(), s.acceptedTokens());
    return String.format(Locale.ROOT,
        "%d prompt tokens (%d cached), %d generated | TTFT %.2f s | prefill %.1f tok/s | decode %.1f tok/s%s | %s",
        s.promptTokens(), s.cachedTokens(), s.generatedTokens(), s.timeToFirstTokenNanos() / 1e9,
        s.prefillTokensPerSecond(), s.decodeTokensPerSecond(), speculation,
        done.stopReason().name().toLowerCase(Locale.ROOT));
  }
}
