package io.github.gptoss4j.tokenizer;

import java.util.Random;

/** Random strings that exercise every branch of the split pattern, from a fixed seed. */
final class RandomText {
  /** Code points chosen for their class: letters of each category, marks, numbers, all kinds of space… */
  private static final int[] INTERESTING = {
    'a', 'b', 'e', 'l', 'r', 'v', 'x', 'A', 'B', 'S', 'T', 'D', 'M', 'L', 'E', 's', 't', 'd', 'm', 0x17F,
    '\'', '\'', '\'', '0', '1', '9', '.', ',', '!', '/', '-', '(', '"', '<', '|', '>', '_', '#',
    ' ', ' ', ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x1C, 0x85, 0xA0, 0x1680, 0x2003, 0x2028, 0x202F, 0x3000,
    0xE9, 0xC9, 0xDF, 0x1C5, 0x2B0, 0x2B3, 0x3A9, 0x3C9, 0x416, 0x436, 0x5D0, 0x627, 0x660, 0x905, 0x93F,
    0x94D, 0xE01, 0xE31, 0xE48, 0x301, 0x308, 0x20DD, 0xFE0F, 0x200D, 0x200B, 0x2160, 0xB2, 0xBD, 0x4E2D,
    0x6587, 0x3042, 0x30AB, 0xAC00, 0xFF21, 0xFF41, 0xFF10, 0xFFFD, 0x1F600, 0x1F44D, 0x1F3FD, 0x1D400,
    0x1D41A, 0x1D7CE, 0x20000, 0x10400, 0x10428, 0xE0041, 0xD800, 0xDC00
  };

  private final Random random;

  RandomText(long seed) {
    random = new Random(seed);
  }

  /** Up to {@code maxLength} code points, mostly from {@link #INTERESTING}, some anywhere in Unicode. */
  String next(int maxLength, boolean loneSurrogates) {
    int length = random.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int cp =
          random.nextInt(5) == 0
              ? random.nextInt(Character.MAX_CODE_POINT + 1)
              : INTERESTING[random.nextInt(INTERESTING.length)];
      if (!loneSurrogates && cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        cp = 0xFFFD;
      }
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  /** Valid text (no lone surrogate) of assigned code points of one random Unicode block region. */
  String script(int length) {
    int base;
    do {
      base = random.nextInt(Character.MAX_CODE_POINT + 1) & ~0x7F;
    } while (!Character.isDefined(base + 0x40) || Character.getType(base + 0x40) == Character.PRIVATE_USE
        || Character.getType(base + 0x40) == Character.SURROGATE);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int r = random.nextInt(10);
      int cp = r == 0 ? ' ' : r == 1 ? 'a' + random.nextInt(26) : base + random.nextInt(0x80);
      if (!Character.isDefined(cp) || Character.getType(cp) == Character.SURROGATE) {
        cp = '.';
      }
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }
}
