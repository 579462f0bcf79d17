package io.github.gptoss4j.tokenizer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The byte-pair ranks: token bytes indexed by rank (rank = token id, dense from 0) and an open-addressing
 * hash from byte strings to ranks. Lookups dominate encoding time, so a slot holds the token's first eight
 * bytes next to its hash, length and rank (two adjacent longs, one cache line): most tokens are eight bytes
 * or shorter and are found without touching the byte pool.
 */
final class Ranks {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int RANK_BITS = 20;
  private static final long RANK_MASK = (1L << RANK_BITS) - 1;
  private static final int MAX_TOKEN_LENGTH = (1 << (32 - RANK_BITS)) - 1;

  private final byte[] pool;
  private final int[] offsets;
  private final int size;
  /**
   * One byte per slot, 0 when free, else 7 more bits of the hash: a lookup of a string that is not a token
   * (most lookups while merging) usually reads only this small array, not the large table.
   */
  private final byte[] tags;
  /** Slot s: {@code table[2s]} = first 8 bytes (little-endian, zero-padded), {@code table[2s+1]} = meta. */
  private final long[] table;
  private final int mask;
  private final int[] singleByte = new int[256];
  /** Direct tables for the commonest short lookups: byte pairs, and three-byte forms (BMP characters). */
  private final int[] twoBytes = new int[1 << 16];
  private final int[] threeBytes = new int[1 << 16];

  /**
   * Indexes {@code size} tokens whose bytes are {@code pool[offsets[r] .. offsets[r + 1])} for rank r.
   *
   * @param source names the file in error messages
   */
  Ranks(byte[] pool, int[] offsets, int size, String source) {
    if (size >= 1 << RANK_BITS) {
      throw new TokenizerException(source + ": " + size + " ranks; at most " + ((1 << RANK_BITS) - 1) + " supported");
    }
    this.pool = pool;
    this.offsets = offsets;
    this.size = size;
    int capacity = Integer.highestOneBit(Math.max(size, 1) * 2 - 1) << 1;
    this.tags = new byte[capacity];
    this.table = new long[2 * capacity];
    this.mask = capacity - 1;
    Arrays.fill(singleByte, -1);
    Arrays.fill(twoBytes, -1);
    Arrays.fill(threeBytes, -1);
    for (int rank = 0; rank < size; rank++) {
      int off = offsets[rank];
      int len = offsets[rank + 1] - off;
      if (len == 0 || len > MAX_TOKEN_LENGTH) {
        throw new TokenizerException(
            source + ": rank " + rank + " has " + len + " token bytes; expected 1.." + MAX_TOKEN_LENGTH);
      }
      long first = firstBytes(pool, off, len);
      int hash = hash(first, pool, off, len);
      int slot = find(first, hash, pool, off, len);
      if (slot >= 0) {
        throw new TokenizerException(
            source + ": ranks " + rankAt(slot) + " and " + rank + " have the same token bytes; expected unique tokens");
      }
      tags[-slot - 1] = tag(hash);
      table[-2 * slot - 2] = first;
      table[-2 * slot - 1] = meta(hash, len) | rank;
      if (len == 1) {
        singleByte[pool[off] & 0xFF] = rank;
      } else if (len == 2) {
        twoBytes[twoBytesIndex(pool, off)] = rank;
      } else if (len == 3 && isThreeByteForm(pool, off)) {
        threeBytes[threeBytesIndex(pool, off)] = rank;
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
    if (len <= 3) {
      if (len == 1) {
        return singleByte[buf[off] & 0xFF];
      } else if (len == 2) {
        return twoBytes[twoBytesIndex(buf, off)];
      } else if (isThreeByteForm(buf, off)) {
        return threeBytes[threeBytesIndex(buf, off)];
      }
    }
    long first = firstBytes(buf, off, len);
    int slot = find(first, hash(first, buf, off, len), buf, off, len);
    return slot >= 0 ? rankAt(slot) : -1;
  }

  /** The slot holding {@code buf[off .. off + len)}, or {@code -(free slot) - 1} where it would go. */
  private int find(long first, int hash, byte[] buf, int off, int len) {
    byte tag = tag(hash);
    long want = meta(hash, len);
    int slot = hash & mask;
    byte seen;
    while ((seen = tags[slot]) != 0) {
      if (seen == tag) {
        long meta = table[2 * slot + 1];
        if ((meta & ~RANK_MASK) == want && table[2 * slot] == first
            && (len <= 8 || tailEquals((int) (meta & RANK_MASK), buf, off, len))) {
          return slot;
        }
      }
      slot = (slot + 1) & mask;
    }
    return -slot - 1;
  }

  /** Seven hash bits not used for the slot index, never 0 (which marks a free slot). */
  private static byte tag(int hash) {
    return (byte) ((hash >>> 25) | 0x80);
  }

  private int rankAt(int slot) {
    return (int) (table[2 * slot + 1] & RANK_MASK);
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

  private boolean tailEquals(int rank, byte[] buf, int off, int len) {
    int start = offsets[rank];
    return Arrays.equals(pool, start + 8, start + len, buf, off + 8, off + len);
  }

  private static int twoBytesIndex(byte[] buf, int off) {
    return ((buf[off] & 0xFF) << 8) | (buf[off + 1] & 0xFF);
  }

  /** 1110xxxx 10xxxxxx 10xxxxxx: a BMP character's UTF-8 shape (overlongs and surrogates included). */
  private static boolean isThreeByteForm(byte[] buf, int off) {
    return (buf[off] & 0xF0) == 0xE0 && (buf[off + 1] & 0xC0) == 0x80 && (buf[off + 2] & 0xC0) == 0x80;
  }

  /** The 16 payload bits of a three-byte form, a bijection onto 0 .. 65535. */
  private static int threeBytesIndex(byte[] buf, int off) {
    return ((buf[off] & 0x0F) << 12) | ((buf[off + 1] & 0x3F) << 6) | (buf[off + 2] & 0x3F);
  }

  private static long meta(int hash, int len) {
    return ((long) hash << 32) | ((long) len << RANK_BITS);
  }

  /** The first min(len, 8) bytes, little-endian, zero-padded. */
  private static long firstBytes(byte[] buf, int off, int len) {
    if (off + 8 <= buf.length) {
      long word = (long) LONGS.get(buf, off);
      return len >= 8 ? word : word & ((1L << (len << 3)) - 1);
    }
    long word = 0;
    for (int i = Math.min(len, 8) - 1; i >= 0; i--) {
      word = (word << 8) | (buf[off + i] & 0xFF);
    }
    return word;
  }

  private static int hash(long first, byte[] buf, int off, int len) {
    long h = first ^ ((long) len << 58);
    for (int i = off + 8, end = off + len; i < end; i++) {
      h = (h ^ (buf[i] & 0xFF)) * 0x100000001B3L;
    }
    // murmur3's fmix64: every input bit reaches the low bits that pick the slot.
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return (int) (h ^ (h >>> 33));
  }
}
