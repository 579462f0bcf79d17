/**
 * gptoss4j's Generator API ({@link io.github.gptoss4j.generate.GptOss}): load a gpt-oss checkpoint
 * (memory-mapped), open a session per conversation, stream typed events. The checkpoint reader and the forward
 * pass are internal.
 */
module io.github.gptoss4j.core {
  requires transitive io.github.gptoss4j.base;
  requires transitive io.github.gptoss4j.tokenizer;
  requires io.github.gptoss4j.kernels;
  requires transitive com.fasterxml.jackson.databind;
  requires jdk.jfr; // the gptoss4j.* flight-recorder events (docs/observability.md)

  exports io.github.gptoss4j.generate;
  exports io.github.gptoss4j.structured;
}
