package io.github.gptoss4j.structured;

import java.util.Arrays;

/**
 * The byte strings of a vocabulary's ordinary tokens as a trie, flattened in preorder: node {@code n}'s
 * children are the nodes from {@code n + 1} to {@link #end(int)}, each followed by its own subtree. A walk that
 * finds a prefix impossible skips its whole subtree, so masking visits only the live part of the vocabulary.
 */
final class TokenTrie {
  static final int ROOT = 0;

  private final byte[] edge; // the byte leading into the node
  private final int[] token; // the token whose bytes end at the node, or -1
  private final int[] end; // one past the node's subtree
  private final short[] height; // longest path below the node
  private int nodes;

  /** A trie of {@code bytes[id]} for every id with non-null bytes. */
  TokenTrie(byte[][] bytes) {
    Integer[] order = new Integer[bytes.length];
    int n = 0;
    long total = 1;
    for (int id = 0; id < bytes.length; id++) {
      if (bytes[id] != null && bytes[id].length > 0) {
        order[n++] = id;
        total += bytes[id].length;
      }
    }
    Integer[] ids = Arrays.copyOf(order, n);
    Arrays.sort(ids, (a, b) -> Arrays.compareUnsigned(bytes[a], bytes[b]));
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, total);
    edge = new byte[capacity];
    token = new int[capacity];
    end = new int[capacity];
    height = new short[capacity];
    build(bytes, ids, 0, ids.length, 0, (byte) 0);
  }

  /** Builds the node for the prefix of length {@code depth} shared by {@code ids[lo, hi)}; returns its height. */
  private int build(byte[][] bytes, Integer[] ids, int lo, int hi, int depth, byte in) {
    int node = nodes++;
    edge[node] = in;
    token[node] = -1;
    if (lo < hi && bytes[ids[lo]].length == depth) {
      token[node] = ids[lo++]; // sorted: the prefix itself comes first
    }
    int tallest = 0;
    while (lo < hi) {
      byte b = bytes[ids[lo]][depth];
      int groupEnd = lo + 1;
      while (groupEnd < hi && bytes[ids[groupEnd]][depth] == b) {
        groupEnd++;
      }
      tallest = Math.max(tallest, 1 + build(bytes, ids, lo, groupEnd, depth + 1, b));
      lo = groupEnd;
    }
    end[node] = nodes;
    height[node] = (short) tallest;
    return tallest;
  }

  int nodeCount() {
    return nodes;
  }

  /** The byte (0..255) on the edge into {@code node}. */
  int edge(int node) {
    return edge[node] & 0xFF;
  }

  /** The token ending at {@code node}, or -1. */
  int token(int node) {
    return token[node];
  }

  /** One past the last node of {@code node}'s subtree; its first child, if any, is {@code node + 1}. */
  int end(int node) {
    return end[node];
  }

  /** Bytes on the longest path below {@code node}. */
  int height(int node) {
    return height[node];
  }
}
