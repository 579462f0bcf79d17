package io.github.gptoss4j.generate;

import java.util.OptionalLong;

/**
 * How the next token is chosen from the model's logits; immutable and validated. Build one with
 * {@link #builder()} ({@code SamplingOptions.builder().temperature(0.7).topP(0.9).seed(42).build()}) or take
 * {@link #greedy()}. Every option has an "off" value, and the defaults ({@link Builder}) are gpt-oss's
 * recommended plain sampling: temperature 1, every filter and penalty off.
 *
 * <p>A {@link Sampler} applies them in this order: penalties, greedy pick (temperature 0), top-k, temperature,
 * softmax, top-p, min-p, renormalisation, seeded draw.
 *
 * @param temperature divides the logits; 0 means greedy (argmax); finite and not negative
 * @param topK keep only the {@code topK} most likely tokens; 0 means off; not negative
 * @param topP keep the smallest set of most likely tokens whose probability reaches {@code topP}; in (0, 1],
 *     1 means off
 * @param minP drop tokens whose probability is below {@code minP} times the most likely one's; in [0, 1), 0 means
 *     off
 * @param repetitionPenalty for tokens in the penalty window, positive logits are divided by it and negative
 *     ones multiplied (Hugging Face / llama.cpp semantics); positive and finite, 1 means off
 * @param presencePenalty subtracted once from the logit of every token in the penalty window (OpenAI
 *     semantics); in [-2, 2], 0 means off
 * @param frequencyPenalty subtracted from a token's logit once per occurrence in the penalty window (OpenAI
 *     semantics); in [-2, 2], 0 means off
 * @param penaltyWindow how many of the most recently generated tokens the three
 *     penalties look at; in [1, {@value #MAX_PENALTY_WINDOW}], default {@value #DEFAULT_PENALTY_WINDOW} as in
 *     llama.cpp
 * @param seed the random generator's seed; when empty each generation picks one and reports it in
 *     {@link Stats#seed()} so the run can be reproduced
 * @param logprobs 0 for no log-probabilities, else how many most likely alternatives to report per generated
 *     token (see {@link TokenLogprobs}); in [0, {@value #MAX_LOGPROBS}]
 */
public record SamplingOptions(
    double temperature,
    int topK,
    double topP,
    double minP,
    double repetitionPenalty,
    double presencePenalty,
    double frequencyPenalty,
    int penaltyWindow,
    OptionalLong seed,
    int logprobs) {

  /** Penalty window used unless one is set: llama.cpp's {@code repeat_last_n}. */
  public static final int DEFAULT_PENALTY_WINDOW = 64;

  /** Largest penalty window: well above gpt-oss's 131072-token context. */
  public static final int MAX_PENALTY_WINDOW = 1 << 20;

  /** Most alternatives {@link #logprobs()} may ask for, as in OpenAI's API. */
  public static final int MAX_LOGPROBS = 20;

  private static final double MAX_OPENAI_PENALTY = 2;

  /**
   * Validates every option.
   *
   * @throws GenerationException naming the first option out of its range, the range and the value
   */
  public SamplingOptions {
    check(temperature >= 0 && Double.isFinite(temperature), "temperature", "a finite number >= 0", temperature);
    check(topK >= 0, "top_k", ">= 0", topK);
    check(topP > 0 && topP <= 1, "top_p", "in (0, 1]", topP);
    check(minP >= 0 && minP < 1, "min_p", "in [0, 1)", minP);
    check(
        repetitionPenalty > 0 && Double.isFinite(repetitionPenalty),
        "repetition_penalty",
        "a finite number > 0",
        repetitionPenalty);
    check(Math.abs(presencePenalty) <= MAX_OPENAI_PENALTY, "presence_penalty", "in [-2, 2]", presencePenalty);
    check(Math.abs(frequencyPenalty) <= MAX_OPENAI_PENALTY, "frequency_penalty", "in [-2, 2]", frequencyPenalty);
    check(
        penaltyWindow >= 1 && penaltyWindow <= MAX_PENALTY_WINDOW,
        "penalty_window",
        "in [1, " + MAX_PENALTY_WINDOW + "]",
        penaltyWindow);
    check(seed != null, "seed", "present or empty, not null", seed);
    check(logprobs >= 0 && logprobs <= MAX_LOGPROBS, "logprobs", "in [0, " + MAX_LOGPROBS + "]", logprobs);
  }

  /**
   * Always the most likely token (after penalties, which are off here); no randomness.
   *
   * @return temperature 0 with every filter and penalty off
   */
  public static SamplingOptions greedy() {
    return builder().temperature(0).build();
  }

  /**
   * A builder holding the defaults listed on {@link Builder}.
   *
   * @return a new builder holding the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options, to change a few.
   *
   * @return a new builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.topK = topK;
    b.topP = topP;
    b.minP = minP;
    b.repetitionPenalty = repetitionPenalty;
    b.presencePenalty = presencePenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.penaltyWindow = penaltyWindow;
    b.seed = seed;
    b.logprobs = logprobs;
    return b;
  }

  /** Whether any of the three penalties changes logits, so the sampler must track history. */
  boolean penalizes() {
    return repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0;
  }

  private static void check(boolean ok, String option, String expected, Object value) {
    if (!ok) {
      throw new GenerationException(option + " must be " + expected + ", got " + value);
    }
  }

  /**
   * Collects options; {@link #build()} validates them. Defaults: temperature 1, top_k 0 (off), top_p 1 (off),
   * min_p 0 (off), repetition_penalty 1 (off), presence and frequency penalties 0 (off), penalty window
   * {@value SamplingOptions#DEFAULT_PENALTY_WINDOW}, no seed (random), no logprobs.
   */
  public static final class Builder {
    private double temperature = 1;
    private int topK;
    private double topP = 1;
    private double minP;
    private double repetitionPenalty = 1;
    private double presencePenalty;
    private double frequencyPenalty;
    private int penaltyWindow = DEFAULT_PENALTY_WINDOW;
    private OptionalLong seed = OptionalLong.empty();
    private int logprobs;

    private Builder() {}

    /**
     * See {@link SamplingOptions#temperature()}.
     *
     * @param value the temperature; finite and not negative, 0 for greedy (checked by {@link #build()})
     * @return this builder
     */
    public Builder temperature(double value) {
      temperature = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#topK()}.
     *
     * @param value how many most likely tokens to keep, 0 for off; not negative (checked by {@link #build()})
     * @return this builder
     */
    public Builder topK(int value) {
      topK = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#topP()}.
     *
     * @param value the nucleus mass, in (0, 1], 1 for off (checked by {@link #build()})
     * @return this builder
     */
    public Builder topP(double value) {
      topP = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#minP()}.
     *
     * @param value the minimum probability relative to the most likely token, in [0, 1), 0 for off (checked by
     *     {@link #build()})
     * @return this builder
     */
    public Builder minP(double value) {
      minP = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#repetitionPenalty()}.
     *
     * @param value the repetition penalty, positive and finite, 1 for off (checked by {@link #build()})
     * @return this builder
     */
    public Builder repetitionPenalty(double value) {
      repetitionPenalty = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#presencePenalty()}.
     *
     * @param value the presence penalty, in [-2, 2], 0 for off (checked by {@link #build()})
     * @return this builder
     */
    public Builder presencePenalty(double value) {
      presencePenalty = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#frequencyPenalty()}.
     *
     * @param value the frequency penalty, in [-2, 2], 0 for off (checked by {@link #build()})
     * @return this builder
     */
    public Builder frequencyPenalty(double value) {
      frequencyPenalty = value;
      return this;
    }

    /**
     * See {@link SamplingOptions#penaltyWindow()}.
     *
     * @param value how many recent tokens the penalties see, in [1, {@value SamplingOptions#MAX_PENALTY_WINDOW}]
     *     (checked by {@link #build()})
     * @return this builder
     */
    public Builder penaltyWindow(int value) {
      penaltyWindow = value;
      return this;
    }

    /**
     * Fixes the seed; see {@link SamplingOptions#seed()}.
     *
     * @param value any long; the same seed and options give the same tokens
     * @return this builder
     */
    public Builder seed(long value) {
      seed = OptionalLong.of(value);
      return this;
    }

    /**
     * Lets each sampler pick its own seed; see {@link SamplingOptions#seed()}.
     *
     * @return this builder
     */
    public Builder randomSeed() {
      seed = OptionalLong.empty();
      return this;
    }

    /**
     * See {@link SamplingOptions#logprobs()}.
     *
     * @param value how many alternatives to report per token, in [0, {@value SamplingOptions#MAX_LOGPROBS}], 0 for
     *     none (checked by {@link #build()})
     * @return this builder
     */
    public Builder logprobs(int value) {
      logprobs = value;
      return this;
    }

    /**
     * The options collected so far.
     *
     * @return new validated options; the builder can be reused
     * @throws GenerationException naming the first option out of its range
     */
    public SamplingOptions build() {
      return new SamplingOptions(
          temperature,
          topK,
          topP,
          minP,
          repetitionPenalty,
          presencePenalty,
          frequencyPenalty,
          penaltyWindow,
          seed,
          logprobs);
    }
  }
}
