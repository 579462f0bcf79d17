package io.github.gptoss4j.testkit;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Time to first token of a request whose long instructions another session has already prefilled (the shared
 * prefix cache) against the same request cold, through the public API: each repetition writes new instructions
 * of about {@code prefixTokens} tokens, a first session answers them cold, a second session with the same
 * instructions and another question of the same length finds them cached.
 */
final class CachedPrefixTtft {
  private CachedPrefixTtft() {}

  /**
   * What the comparison measured.
   *
   * @param prefixTokens prompt tokens of the instructions (the part the second request finds cached)
   * @param promptTokens whole prompt of each request
   * @param cachedTokens tokens the second request reused (median)
   * @param coldTtftS time to first token of the first request
   * @param cachedTtftS time to first token of the second
   */
  public record Result(
      int prefixTokens, int promptTokens, int cachedTokens, EndToEndBench.Spread coldTtftS,
      EndToEndBench.Spread cachedTtftS) {}

  private static final String[] WORDS = {
    "model", "answer", "request", "policy", "format", "context", "token", "weather", "travel", "budget", "library",
    "server", "customer", "summary", "order", "refund", "account", "schedule", "report", "question"
  };

  static Result measure(Path dir, Kernels kernels, int prefixTokens, int reps, Consumer<String> log) {
    ModelOptions options = ModelOptions.builder()
        .threads(kernels.threads())
        .precision(kernels.precision())
        .build();
    try (GptOss model = GptOss.load(dir, options)) {
      Tokenizer tokenizer = model.harmony().tokenizer();
      double[] cold = new double[reps];
      double[] cached = new double[reps];
      double[] reused = new double[reps];
      int prompt = 0;
      int prefix = 0;
      for (int r = 0; r < reps; r++) {
        log.accept("request with " + prefixTokens + " tokens of instructions, cold and cached, rep " + (r + 1) + "/"
            + reps + "...");
        String instructions = instructions(tokenizer, prefixTokens, r);
        prefix = tokenizer.encodeOrdinary(instructions).length;
        Stats first = firstToken(model, instructions, "Which order is first?");
        Stats second = firstToken(model, instructions, "Which report is last?");
        cold[r] = first.timeToFirstTokenNanos() / 1e9;
        cached[r] = second.timeToFirstTokenNanos() / 1e9;
        reused[r] = second.cachedTokens();
        prompt = first.promptTokens();
      }
      return new Result(prefix, prompt, (int) EndToEndBench.Spread.of(reused).median(),
          EndToEndBench.Spread.of(cold), EndToEndBench.Spread.of(cached));
    }
  }

  private static Stats firstToken(GptOss model, String instructions, String question) {
    try (ChatSession session = model.newSession()) {
      return session.generate(GenerationRequest.builder().instructions(instructions).user(question).maxTokens(1).build())
          .stats();
    }
  }

  /** Words drawn with {@code seed} until they make at least {@code tokens} tokens: new text per repetition. */
  private static String instructions(Tokenizer tokenizer, int tokens, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder("You are a careful assistant. Follow these rules.");
    while (tokenizer.encodeOrdinary(text.toString()).length < tokens) {
      for (int i = 0; i < 64; i++) {
        text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
      }
      text.append('.');
    }
    return text.toString();
  }
}
