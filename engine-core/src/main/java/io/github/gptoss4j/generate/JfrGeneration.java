package io.github.gptoss4j.generate;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event {@code gptoss4j.Generation}: one call's generation, from its start to its {@link Done} (see
 * docs/observability.md). Begun when the generation is created, committed when it ends; costs nothing when no
 * recording enables it.
 */
@Name("gptoss4j.Generation")
@Label("Generation")
@Category("gptoss4j")
@Description("One generation: prompt, cached and generated tokens, time to first token and throughput")
@StackTrace(false)
final class JfrGeneration extends Event {
  @Label("Prompt Tokens")
  int promptTokens;

  @Label("Cached Tokens")
  @Description("Prompt tokens reused from the session's KV cache, not prefilled")
  int cachedTokens;

  @Label("Generated Tokens")
  int generatedTokens;

  @Label("Time To First Token")
  @Timespan(Timespan.NANOSECONDS)
  long timeToFirstToken;

  @Label("Prefill Tokens Per Second")
  double prefillTokensPerSecond;

  @Label("Decode Tokens Per Second")
  double decodeTokensPerSecond;

  @Label("Stop Reason")
  String stopReason;

  /** An event whose duration starts now. */
  static JfrGeneration started() {
    JfrGeneration event = new JfrGeneration();
    event.begin();
    return event;
  }

  /** Ends the event with the generation's outcome and commits it, if a recording wants it. */
  void finished(Done done) {
    end();
    if (shouldCommit()) {
      Stats stats = done.stats();
      promptTokens = stats.promptTokens();
      cachedTokens = stats.cachedTokens();
      generatedTokens = stats.generatedTokens();
      timeToFirstToken = stats.timeToFirstTokenNanos();
      prefillTokensPerSecond = stats.prefillTokensPerSecond();
      decodeTokensPerSecond = stats.decodeTokensPerSecond();
      stopReason = done.stopReason().name();
      commit();
    }
  }
}
