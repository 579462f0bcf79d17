package io.github.gptoss4j.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * o200k_harmony's special tokens (OpenAI's gpt_oss/tokenizer.py): named ones from 199998 to 200012,
 * o200k_base's {@code <|endofprompt|>} at 200018, and {@code <|reserved_N|>} for every other id up to 201087.
 */
final class SpecialTokens {
  static final int FIRST_ID = 199998;
  static final int VOCAB_SIZE = 201088;

  private static final String[] NAMES = new String[VOCAB_SIZE - FIRST_ID];
  private static final Map<String, Integer> IDS = new HashMap<>();
  private static final int MAX_LENGTH;

  static {
    for (int id = FIRST_ID; id < VOCAB_SIZE; id++) {
      NAMES[id - FIRST_ID] = "<|reserved_" + id + "|>";
    }
    name(199998, "<|startoftext|>");
    name(199999, "<|endoftext|>");
    name(200002, "<|return|>");
    name(200003, "<|constrain|>");
    name(200005, "<|channel|>");
    name(200006, "<|start|>");
    name(200007, "<|end|>");
    name(200008, "<|message|>");
    name(200012, "<|call|>");
    name(200018, "<|endofprompt|>");
    int max = 0;
    for (int i = 0; i < NAMES.length; i++) {
      IDS.put(NAMES[i], FIRST_ID + i);
      max = Math.max(max, NAMES[i].length());
    }
    MAX_LENGTH = max;
  }

  private SpecialTokens() {}

  private static void name(int id, String name) {
    NAMES[id - FIRST_ID] = name;
  }

  /** The id of a special-token string, or -1. */
  static int id(String name) {
    Integer id = IDS.get(name);
    return id == null ? -1 : id;
  }

  /** The special-token string of {@code id}, or null if {@code id} is not special. */
  static String name(int id) {
    return id >= FIRST_ID && id < VOCAB_SIZE ? NAMES[id - FIRST_ID] : null;
  }

  static int maxLength() {
    return MAX_LENGTH;
  }
}
