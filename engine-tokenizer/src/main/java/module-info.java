/**
 * The o200k_harmony tokenizer ({@link io.github.gptoss4j.tokenizer.Tokenizer}) and the Harmony chat format
 * ({@link io.github.gptoss4j.harmony.HarmonyEncoding}: messages, roles, channels, tools).
 */
module io.github.gptoss4j.tokenizer {
  requires transitive io.github.gptoss4j.base;
  requires com.fasterxml.jackson.databind;

  exports io.github.gptoss4j.tokenizer;
  exports io.github.gptoss4j.harmony;
}
