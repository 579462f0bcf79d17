/**
 * The Harmony chat format that gpt-oss was trained on, as OpenAI's openai-harmony library renders and parses
 * it.
 *
 * <p>A {@link io.github.gptoss4j.harmony.Conversation} of {@link io.github.gptoss4j.harmony.Message}s (each
 * with an {@link io.github.gptoss4j.harmony.Author} and {@link io.github.gptoss4j.harmony.Role}, an optional
 * channel and recipient, and {@link io.github.gptoss4j.harmony.Content}: text, or the
 * {@link io.github.gptoss4j.harmony.SystemContent} and {@link io.github.gptoss4j.harmony.DeveloperContent}
 * that carry reasoning effort, tools and instructions) is rendered to tokens by
 * {@link io.github.gptoss4j.harmony.HarmonyEncoding}, which also parses the model's completion tokens back
 * into messages, at once or token by token ({@link io.github.gptoss4j.harmony.StreamableParser}). Errors are
 * {@link io.github.gptoss4j.harmony.HarmonyException}s.
 */
package io.github.gptoss4j.harmony;
