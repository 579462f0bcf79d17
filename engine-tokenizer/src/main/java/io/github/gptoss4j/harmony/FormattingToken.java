package io.github.gptoss4j.harmony;

/** The special tokens that structure Harmony messages; each is one token id of o200k_harmony. */
enum FormattingToken {
  START("<|start|>"),
  MESSAGE("<|message|>"),
  END("<|end|>"),
  RETURN("<|return|>"),
  CALL("<|call|>"),
  CONSTRAIN("<|constrain|>"),
  CHANNEL("<|channel|>");

  final String text;

  FormattingToken(String text) {
    this.text = text;
  }
}
