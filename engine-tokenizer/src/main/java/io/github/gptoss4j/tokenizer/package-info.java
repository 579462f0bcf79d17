/**
 * The o200k_harmony tokenizer of the gpt-oss models, byte for byte as OpenAI's tiktoken encodes.
 *
 * <p>{@link io.github.gptoss4j.tokenizer.Tokenizer} encodes text to token ids (ordinary text, or with the
 * special tokens an {@link io.github.gptoss4j.tokenizer.AllowedSpecial} lets through) and decodes ids back
 * to bytes and text; the encoding is built in, or read from a model directory's {@code tokenizer.json}.
 * {@link io.github.gptoss4j.tokenizer.StreamingDecoder} turns a stream of ids into text without splitting a
 * UTF-8 character. Errors are {@link io.github.gptoss4j.tokenizer.TokenizerException}s. Tokenizers are
 * immutable and thread-safe.
 */
package io.github.gptoss4j.tokenizer;
