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
    // Insert into a linked trie (first child, next sibling), then lay it out in preorder.
    long total = 1;
    for (byte[] token : bytes) {
      total += token == null ? 0 : token.length;
    }
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, total);
    int[] firstChild = new int[capacity];
    int[] nextSibling = new int[capacity];
    byte[] linkedEdge = new byte[capacity];
    int[] linkedToken = new int[capacity];
    int[] rootChild = new int[256]; // the root's 256 children, found without a list walk
    Arrays.fill(linkedToken, -1);
    int count = 1;
    for (int id = 0; id < bytes.length; id++) {
      byte[] token = bytes[id];
      if (token == null || token.length == 0) {
        continue;
      }
      int node = rootChild[token[0] & 0xFF];
      if (node == 0) {
        node = count++;
        linkedEdge[node] = token[0];
        rootChild[token[0] & 0xFF] = node;
      }
      for (int i = 1; i < token.length; i++) {
        int child = firstChild[node];
        while (child != 0 && linkedEdge[child] != token[i]) {
          child = nextSibling[child];
        }
        if (child == 0) {
          child = count++;
          linkedEdge[child] = token[i];
          nextSibling[child] = firstChild[node];
          firstChild[node] = child;
        }
        node = child;
      }
      linkedToken[node] = id;
    }
    edge = new byte[count];
    token = new int[count];
    end = new int[count];
    height = new short[count];
    token[ROOT] = -1;
    nodes = 1;
    int tallest = 0;
    for (int b = 0; b < 256; b++) {
      if (rootChild[b] != 0) {
        tallest = Math.max(tallest, 1 + layOut(rootChild[b], firstChild, nextSibling, linkedEdge, linkedToken));
      }
    }
    end[ROOT] = nodes;
    height[ROOT] = (short) tallest;
  }

  /** Copies linked node {@code linked} and its subtree in preorder; returns its height. */
  private int layOut(int linked, int[] firstChild, int[] nextSibling, byte[] linkedEdge, int[] linkedToken) {
    int node = nodes++;
    edge[node] = linkedEdge[linked];
    token[node] = linkedToken[linked];
    int tallest = 0;
    for (int child = firstChild[linked]; child != 0; child = nextSibling[child]) {
      tallest = Math.max(tallest, 1 + layOut(child, firstChild, nextSibling, linkedEdge, linkedToken));
    }
    end[node] = nodes;
    height[node] = (short) tallest;
    return tallest;
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
