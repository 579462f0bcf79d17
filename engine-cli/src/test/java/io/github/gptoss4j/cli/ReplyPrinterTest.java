package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageEnd;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.harmony.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a reply with reasoning looks in each mode (the demo model never reasons, so events are written here). */
class ReplyPrinterTest {
  private static final List<GenerationEvent> REPLY = List.of(
      new MessageStart(Role.ASSISTANT, "analysis", null),
      new ReasoningDelta("User says hi."),
      new ReasoningDelta(" Greet back."),
      new MessageEnd(Role.ASSISTANT, "analysis", null),
      new MessageStart(Role.ASSISTANT, "final", null),
      new FinalDelta("Hello"),
      new FinalDelta("!"),
      new MessageEnd(Role.ASSISTANT, "final", null),
      new Done(StopReason.STOP_TOKEN, new Stats(80, 64, 12, 250_000_000L, 320.04, 41.26, 7, 0, 0)));

  private static String[] print(ReplyPrinter.Reasoning mode) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ReplyPrinter printer = new ReplyPrinter(new PrintWriter(out), new PrintWriter(err), mode);
    REPLY.forEach(printer);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void headingsSeparateReasoningFromTheAnswer() {
    String[] printed = print(ReplyPrinter.Reasoning.HEADINGS);
    assertEquals("[reasoning]\nUser says hi. Greet back.\n[answer]\nHello!\n", printed[0].replace(System.lineSeparator(), "\n"));
  }

  @Test
  void dimmedReasoningIsResetBeforeThePlainAnswer() {
    String[] printed = print(ReplyPrinter.Reasoning.DIMMED);
    assertEquals("\u001b[2mUser says hi. Greet back.\u001b[0m\nHello!\n", printed[0].replace(System.lineSeparator(), "\n"));
  }

  @Test
  void hiddenReasoningLeavesOnlyTheAnswerAndTheStatsGoToStderr() {
    String[] printed = print(ReplyPrinter.Reasoning.HIDDEN);
    assertEquals("Hello!\n", printed[0].replace(System.lineSeparator(), "\n"));
    assertEquals(
        "80 prompt tokens (64 cached), 12 generated | TTFT 0.25 s | prefill 320.0 tok/s | decode 41.3 tok/s | stop_token\n",
        printed[1].replace(System.lineSeparator(), "\n"));
  }
}
