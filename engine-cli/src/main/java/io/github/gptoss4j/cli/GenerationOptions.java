package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.Speculation;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options {@code generate} and {@code chat} share: which model, and how to generate. Values are checked
 * by the Generator API's builders, whose errors name the option.
 */
final class GenerationOptions {
  /** Reasoning effort as written on the command line. */
  enum Effort {
    low(ReasoningEffort.LOW),
    medium(ReasoningEffort.MEDIUM),
    high(ReasoningEffort.HIGH);

    final ReasoningEffort effort;

    Effort(ReasoningEffort effort) {
      this.effort = effort;
    }
  }

  /** What {@code --speculate} does, for every command that has it. */
  static final String SPECULATE_DESCRIPTION = "Speculative decoding: guess up to K tokens per step by prompt lookup and"
      + " verify them in one pass; the answer is the same token for token, only the speed differs (default: 0, off).";

  /** Tokens the demo writes per answer unless --max-tokens says otherwise: it rarely ends on its own. */
  static final int DEMO_MAX_TOKENS = 128;

  @Mixin ModelChoice modelChoice;

  @Option(names = "--system", paramLabel = "TEXT", description = "Instructions (Harmony's developer message).")
  String system;

  @Option(names = "--reasoning", paramLabel = "low|medium|high", description = "Reasoning effort (default: medium).")
  Effort reasoning;

  @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature; 0 = greedy (default: 1).")
  Double temperature;

  @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling: keep the most likely tokens up to mass P.")
  Double topP;

  @Option(names = "--top-k", paramLabel = "K", description = "Keep only the K most likely tokens.")
  Integer topK;

  @Option(names = "--min-p", paramLabel = "P", description = "Drop tokens less likely than P times the most likely one.")
  Double minP;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed; the same seed gives the same answer.")
  Long seed;

  @Option(names = "--max-tokens", paramLabel = "N",
      description = "Most tokens per answer (default: until the model ends its answer; " + DEMO_MAX_TOKENS + " for the demo).")
  Integer maxTokens;

  @Option(names = "--speculate", paramLabel = "K", description = SPECULATE_DESCRIPTION)
  Integer speculate;

  @Option(names = "--show-reasoning", description = "Print the reasoning under [reasoning], the answer under [answer].")
  boolean showReasoning;

  /** Streams a reply to {@code out}, reasoning shown as {@code --show-reasoning} and the terminal say. */
  ReplyPrinter printer(PrintWriter out, PrintWriter err) {
    return new ReplyPrinter(out, err, ReplyPrinter.reasoningMode(showReasoning));
  }

  boolean demo() {
    return modelChoice.demo();
  }

  /** The model: {@code --model}, or the demo (written on first use), with the demo's notice on {@code err}. */
  GptOss load(PrintWriter err) {
    return modelChoice.load(modelChoice.directory(err), err);
  }

  /**
   * A request builder with these options and no messages.
   *
   * @throws io.github.gptoss4j.generate.GenerationException naming an option out of range
   */
  GenerationRequest.Builder request() {
    SamplingOptions.Builder sampling = SamplingOptions.builder();
    if (temperature != null) {
      sampling.temperature(temperature);
    }
    if (topP != null) {
      sampling.topP(topP);
    }
    if (topK != null) {
      sampling.topK(topK);
    }
    if (minP != null) {
      sampling.minP(minP);
    }
    if (seed != null) {
      sampling.seed(seed);
    }
    GenerationRequest.Builder request = GenerationRequest.builder().sampling(sampling.build());
    if (system != null) {
      request.instructions(system);
    }
    if (reasoning != null) {
      request.reasoningEffort(reasoning.effort);
    }
    if (speculate != null) {
      request.speculation(Speculation.promptLookup(speculate));
    }
    if (maxTokens != null) {
      request.maxTokens(maxTokens);
    } else if (demo()) {
      request.maxTokens(DEMO_MAX_TOKENS);
    }
    if (demo()) {
      // Random weights almost never write a Harmony header: open the answer for them, so text streams at once.
      request.replyChannel("final");
    }
    return request;
  }
}
