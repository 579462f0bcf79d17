package io.github.gptoss4j.harmony;

/**
 * One rendered piece: a formatting token, or text encoded on its own with ordinary (no-special) encoding.
 * Harmony encodes piece by piece, so text that happens to spell a special token stays text.
 *
 * @param token the formatting token, or null for text
 * @param text the text (for a token, its spelling)
 */
record Piece(FormattingToken token, String text) {

  static Piece of(FormattingToken token) {
    return new Piece(token, token.text);
  }

  static Piece text(String text) {
    return new Piece(null, text);
  }
}
