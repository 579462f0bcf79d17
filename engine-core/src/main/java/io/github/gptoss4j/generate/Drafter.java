package io.github.gptoss4j.generate;

/**
 * The guessing stage of speculative decoding: proposes the tokens likely to follow a text. A guess costs only
 * the verification of it (see {@link Speculator}), so a drafter may be wrong as often as it likes; it must be
 * a function of the text.
 */
@FunctionalInterface
interface Drafter {

  /**
   * Writes up to {@code max} tokens guessed to follow {@code text[0, length)} into {@code out} from {@code off}.
   *
   * @return how many it wrote, 0 when it has no guess
   */
  int draft(int[] text, int length, int[] out, int off, int max);

  /**
   * Prompt lookup decoding: the most recent earlier occurrence of the text's last {@code maxNgram} tokens (then
   * of fewer, down to one) and the tokens that followed it, so that text the reply repeats or quotes from the
   * prompt (code, names, a list it edits) is guessed whole.
   */
  static Drafter promptLookup(int maxNgram) {
    return (text, length, out, off, max) -> {
      for (int n = Math.min(maxNgram, length - 1); n >= 1; n--) {
        int suffix = length - n;
        for (int start = suffix - 1; start >= 0; start--) { // the most recent occurrence first
          if (matches(text, start, suffix, n)) {
            // What followed it, continued with the guess itself where the text ends: an occurrence that
            // overlaps the suffix (a repeated run) repeats with its period.
            int from = start + n;
            for (int i = 0; i < max; i++) {
              int at = from + i;
              out[off + i] = at < length ? text[at] : out[off + at - length];
            }
            return max;
          }
        }
      }
      return 0;
    };
  }

  private static boolean matches(int[] text, int a, int b, int n) {
    for (int i = 0; i < n; i++) {
      if (text[a + i] != text[b + i]) {
        return false;
      }
    }
    return true;
  }
}
