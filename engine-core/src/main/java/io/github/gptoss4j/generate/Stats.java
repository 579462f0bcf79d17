package io.github.gptoss4j.generate;

/**
 * Measurements of one generation.
 *
 * @param promptTokens tokens in the rendered prompt
 * @param cachedTokens prompt tokens whose KV cache was reused from the session's previous turn, not prefilled
 * @param generatedTokens tokens the model produced, stop token included
 * @param timeToFirstTokenNanos from the start of the call to the first generated token
 * @param prefillTokensPerSecond prompt tokens actually run ({@code promptTokens - cachedTokens}) per second
 * @param decodeTokensPerSecond generated tokens after the first, per second (0 with fewer than two)
 * @param seed the sampler's seed: the one requested, or the one picked when none was, so that
 *     {@code SamplingOptions.builder().seed(seed)} replays the run
 * @param draftedTokens tokens speculative decoding guessed and verified ({@link Speculation}); 0 when it is off
 * @param acceptedTokens guesses the sampler confirmed, each a token generated without a step of its own
 */
public record Stats(
    int promptTokens,
    int cachedTokens,
    int generatedTokens,
    long timeToFirstTokenNanos,
    double prefillTokensPerSecond,
    double decodeTokensPerSecond,
    long seed,
    int draftedTokens,
    int acceptedTokens) {}
