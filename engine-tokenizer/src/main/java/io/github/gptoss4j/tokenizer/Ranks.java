package io.github.gptoss4j.tokenizer;

import java.util.Arrays;

/**
 * The byte-pair ranks: token bytes indexed by rank (rank = token id, dense from 0) and an open-addressing
 * hash from byte strings to ranks. One shared byte pool instead of 200k small arrays keeps loading fast and
 * lookups cache-friendly.
 */
final class Ranks {
  private final byte[] pool;
  private final int[] offsets;
  private final int size;
  private final int[] slots;
  private final int[] slotHashes;
  private final int mask;
  private final int[] singleByte = new int[256];

  /**
   * Indexes {@code size} tokens whose bytes are {@code pool[offsets[r] .. offsets[r + 1])} for rank r.
   *
   * @param source names the file in error messages
   */
  Ranks(byte[] pool, int[] offsets, int size, String source) {
    this.pool = pool;
    this.offsets = offsets;
    this.size = size;
    int capacity = Integer.highestOneBit(Math.max(size, 1) * 2 - 1) << 1;
    this.slots = new int[capacity];
    this.slotHashes = new int[capacity];
    this.mask = capacity - 1;
    Arrays.fill(singleByte, -1);
    for (int rank = 0; rank < size; rank++) {
      int off = offsets[rank];
      int len = offsets[rank + 1] - off;
      if (len == 0) {
        throw new TokenizerException(source + ": rank " + rank + " has empty token bytes");
      }
      int hash = hash(pool, off, len);
      int slot = hash & mask;
      while (slots[slot] != 0) {
        int other = slots[slot] - 1;
        if (slotHashes[slot] == hash && equalsToken(other, pool, off, len)) {
          throw new TokenizerException(
              source + ": ranks " + other + " and " + rank + " have the same token bytes; expected unique tokens");
        }
        slot = (slot + 1) & mask;
      }
      slots[slot] = rank + 1;
      slotHashes[slot] = hash;
      if (len == 1) {
        singleByte[pool[off] & 0xFF] = rank;
      }
    }
    for (int b = 0; b < 256; b++) {
      if (singleByte[b] < 0) {
        throw new TokenizerException(
            source + ": no rank for the single byte 0x" + String.format("%02X", b)
                + "; expected all 256 bytes (a truncated or foreign ranks file?)");
      }
    }
  }

  int size() {
    return size;
  }

  /** The rank of the byte string {@code buf[off .. off + len)}, or -1 if it is not a token. */
  int rank(byte[] buf, int off, int len) {
    if (len == 1) {
      return singleByte[buf[off] & 0xFF];
    }
    int hash = hash(buf, off, len);
    int slot = hash & mask;
    int entry;
    while ((entry = slots[slot]) != 0) {
      if (slotHashes[slot] == hash && equalsToken(entry - 1, buf, off, len)) {
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  int tokenLength(int rank) {
    return offsets[rank + 1] - offsets[rank];
  }

  /** Copies the bytes of {@code rank} to {@code dst} at {@code at}; returns the position after them. */
  int copyToken(int rank, byte[] dst, int at) {
    int off = offsets[rank];
    int len = offsets[rank + 1] - off;
    System.arraycopy(pool, off, dst, at, len);
    return at + len;
  }

  byte[] tokenBytes(int rank) {
    return Arrays.copyOfRange(pool, offsets[rank], offsets[rank + 1]);
  }

  private boolean equalsToken(int rank, byte[] buf, int off, int len) {
    int start = offsets[rank];
    return offsets[rank + 1] - start == len && Arrays.equals(pool, start, start + len, buf, off, off + len);
  }

  private static int hash(byte[] buf, int off, int len) {
    int h = len * 0x9E3779B9;
    for (int i = off, end = off + len; i < end; i++) {
      h = (h ^ buf[i]) * 0x01000193;
    }
    return h ^ (h >>> 15);
  }
}
