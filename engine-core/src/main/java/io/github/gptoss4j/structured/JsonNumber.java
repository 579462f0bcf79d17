package io.github.gptoss4j.structured;

/** The byte-level automaton of a JSON number ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}). */
final class JsonNumber {
  static final int START = 0;
  private static final int MINUS = 1;
  private static final int ZERO = 2;
  private static final int INT = 3;
  private static final int DOT = 4;
  private static final int FRAC = 5;
  private static final int EXP_MARK = 6;
  private static final int EXP_SIGN = 7;
  private static final int EXP = 8;

  private JsonNumber() {}

  /** The state after {@code b}, or -1 when {@code b} cannot continue the number; integers stop at '.'/'e'. */
  static int step(int state, int b, boolean integer) {
    boolean digit = b >= '0' && b <= '9';
    boolean fraction = !integer && b == '.';
    boolean exponent = !integer && (b == 'e' || b == 'E');
    return switch (state) {
      case START -> b == '-' ? MINUS : b == '0' ? ZERO : digit ? INT : -1;
      case MINUS -> b == '0' ? ZERO : digit ? INT : -1;
      case ZERO -> fraction ? DOT : exponent ? EXP_MARK : -1;
      case INT -> digit ? INT : fraction ? DOT : exponent ? EXP_MARK : -1;
      case DOT -> digit ? FRAC : -1;
      case FRAC -> digit ? FRAC : exponent ? EXP_MARK : -1;
      case EXP_MARK -> b == '+' || b == '-' ? EXP_SIGN : digit ? EXP : -1;
      case EXP_SIGN, EXP -> digit ? EXP : -1;
      default -> throw new IllegalArgumentException("number state " + state);
    };
  }

  /** Whether the number read so far is complete (it may still go on). */
  static boolean complete(int state) {
    return state == ZERO || state == INT || state == FRAC || state == EXP;
  }
}
