package io.github.gptoss4j;

/** Element type of a KV cache. */
public enum KvType {
  F32(4),
  BF16(2);

  private final int bytes;

  KvType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }
}
