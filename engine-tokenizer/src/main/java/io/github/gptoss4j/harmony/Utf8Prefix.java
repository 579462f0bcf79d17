package io.github.gptoss4j.harmony;

/**
 * Where a byte buffer stops being valid UTF-8, with Rust's {@code Utf8Error} semantics that harmony's
 * streaming parser relies on: {@code errorLength} is 0 when the buffer merely ends inside a character
 * (wait for more bytes), else the length (1 to 3) of the invalid sequence to replace with U+FFFD.
 *
 * @param validUpTo the length of the valid prefix
 * @param errorLength 0 if the rest is an incomplete character (or empty), else the invalid length
 */
record Utf8Prefix(int validUpTo, int errorLength) {

  static Utf8Prefix of(byte[] bytes, int length) {
    int i = 0;
    while (i < length) {
      int first = bytes[i] & 0xFF;
      if (first < 0x80) {
        i++;
        continue;
      }
      int width = first >= 0xC2 && first <= 0xDF ? 2 : first >= 0xE0 && first <= 0xEF ? 3 : first >= 0xF0 && first <= 0xF4 ? 4 : 0;
      if (width == 0) {
        return new Utf8Prefix(i, 1);
      }
      // the second byte's allowed range excludes overlong forms, surrogates and code points above U+10FFFF
      int low = first == 0xE0 ? 0xA0 : first == 0xF0 ? 0x90 : 0x80;
      int high = first == 0xED ? 0x9F : first == 0xF4 ? 0x8F : 0xBF;
      for (int k = 1; k < width; k++) {
        if (i + k >= length) {
          return new Utf8Prefix(i, 0);
        }
        int b = bytes[i + k] & 0xFF;
        boolean ok = k == 1 ? b >= low && b <= high : b >= 0x80 && b <= 0xBF;
        if (!ok) {
          return new Utf8Prefix(i, k);
        }
      }
      i += width;
    }
    return new Utf8Prefix(length, 0);
  }

  boolean complete(int length) {
    return validUpTo == length;
  }
}
