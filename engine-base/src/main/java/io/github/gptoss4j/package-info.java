/**
 * The types every gptoss4j module shares.
 *
 * <p>{@link io.github.gptoss4j.GptOssException} is the root of every exception the library throws, so one
 * {@code catch} covers them; its subclasses name what failed ({@link io.github.gptoss4j.CheckpointException}
 * for a checkpoint that cannot be read or does not fit, the tokenizer's, Harmony's and generation's own
 * exceptions in their packages). {@link io.github.gptoss4j.Precision} and {@link io.github.gptoss4j.KvType}
 * are the model options' enums: how weights are multiplied and how the KV cache is stored.
 */
package io.github.gptoss4j;
