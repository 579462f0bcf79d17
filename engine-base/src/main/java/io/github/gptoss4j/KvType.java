package io.github.gptoss4j;

/** Element type of a KV cache. */
public enum KvType {
  /** 32-bit floats: exact, 4 bytes per value. */
  F32(4),
  /** bfloat16: half the memory, 2 bytes per value, rounded to 8 bits of mantissa. */
  BF16(2);

  private final int bytes;

  KvType(int bytes) {
    this.bytes = bytes;
  }

  /**
   * Bytes per element.
   *
   * @return the size of one cached value in bytes: 4 for {@link #F32}, 2 for {@link #BF16}
   */
  public int bytes() {
    return bytes;
  }
}
