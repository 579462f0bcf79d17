/**
 * The Generator API: gptoss4j's front door.
 *
 * <p>{@link io.github.gptoss4j.generate.GptOss#load(java.nio.file.Path)} memory-maps a gpt-oss checkpoint
 * (options in {@link io.github.gptoss4j.generate.ModelOptions}); {@link
 * io.github.gptoss4j.generate.GptOss#newSession()} opens a {@link io.github.gptoss4j.generate.ChatSession}
 * per conversation, which keeps its history and KV cache between turns. A {@link
 * io.github.gptoss4j.generate.GenerationRequest} (built with its builder: messages, tools,
 * {@link io.github.gptoss4j.generate.SamplingOptions}, stop strings, logits processors) yields a stream of
 * {@link io.github.gptoss4j.generate.GenerationEvent}s ending with {@code Done} and its
 * {@link io.github.gptoss4j.generate.Stats}, or a whole {@link io.github.gptoss4j.generate.GenerationResult}.
 * A {@link io.github.gptoss4j.generate.LogitsProcessor} sees and may change each step's logits before the
 * sampler. Same seed, same tokens, whatever the thread count.
 *
 * <p>Errors are {@link io.github.gptoss4j.generate.GenerationException}s (and
 * {@link io.github.gptoss4j.CheckpointException}s from loading), all {@link io.github.gptoss4j.GptOssException}s.
 * Observability: {@link io.github.gptoss4j.generate.GptOss#onGeneration}, JFR events and
 * {@code System.Logger} (docs/observability.md).
 */
package io.github.gptoss4j.generate;
