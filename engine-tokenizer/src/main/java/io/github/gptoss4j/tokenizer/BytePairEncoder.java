package io.github.gptoss4j.tokenizer;

/**
 * tiktoken's byte-pair merge: repeatedly merge the adjacent pair whose concatenation has the lowest rank,
 * the leftmost on ties, until no pair is a token. Short pieces use tiktoken's own array scan; longer ones
 * (CJK sentences, a 50 KB run of one character) use a heap of (rank, position) and a linked list, which
 * picks the same pair at every step in O(n log n) instead of O(n²). One instance per encode call holds the
 * scratch arrays.
 */
final class BytePairEncoder {
  /**
   * Above this many bytes the heap variant is used. The array scan costs O(n) per merge, the heap
   * O(log n) plus bookkeeping; measured on CJK pieces (20–80 bytes) the heap wins from about 24 bytes.
   */
  static final int LONG_PIECE = 24;

  private static final int NONE = Integer.MAX_VALUE;

  private final Ranks ranks;
  private final int longPiece;
  private byte[] bytes = new byte[256];
  private int[] starts = new int[LONG_PIECE + 1];
  private int[] pairRanks = new int[LONG_PIECE + 1];
  private int[] tokens = new int[LONG_PIECE + 1];
  private int[] next = new int[0];
  private int[] prev = new int[0];
  private long[] heap = new long[0];

  BytePairEncoder(Ranks ranks) {
    this(ranks, LONG_PIECE);
  }

  /** An encoder that switches to the heap variant above {@code longPiece} bytes (tests compare both). */
  BytePairEncoder(Ranks ranks, int longPiece) {
    this.ranks = ranks;
    this.longPiece = longPiece;
  }

  /** A buffer of at least {@code capacity} bytes for the caller to fill with the next piece. */
  byte[] buffer(int capacity) {
    if (bytes.length < capacity) {
      bytes = new byte[Math.max(capacity, bytes.length * 2)];
    }
    return bytes;
  }

  /** Appends the tokens of the piece {@code buffer()[0 .. len)} to {@code out}. */
  void encode(int len, IntList out) {
    int whole = ranks.rank(bytes, 0, len);
    if (whole >= 0) {
      out.add(whole);
    } else if (len <= longPiece) {
      mergeShort(len, out);
    } else {
      mergeLong(len, out);
    }
  }

  private void mergeShort(int len, IntList out) {
    if (starts.length <= len) {
      starts = new int[len + 1];
      pairRanks = new int[len + 1];
      tokens = new int[len + 1];
    }
    int[] start = starts;
    int[] pair = pairRanks;
    int[] token = tokens;
    for (int i = 0; i < len; i++) {
      start[i] = i;
      token[i] = ranks.rank(bytes, i, 1);
      pair[i] = i + 1 < len ? rankOr(i, i + 2) : NONE;
    }
    start[len] = len;
    int count = len; // parts; start[count] is the end sentinel
    while (true) {
      // Lowest rank, leftmost on ties: the minimum of (rank, index) packed in a long. Math.min compiles
      // to a conditional move; a data-dependent branch here mispredicts on almost every pair.
      long min = Long.MAX_VALUE;
      for (int i = 0; i < count - 1; i++) {
        min = Math.min(min, ((long) pair[i] << 32) | i);
      }
      int best = (int) (min >>> 32);
      if (best == NONE) {
        break;
      }
      int at = (int) min;
      token[at] = best;
      int tail = count - at - 2;
      System.arraycopy(start, at + 2, start, at + 1, tail + 1);
      System.arraycopy(token, at + 2, token, at + 1, tail);
      System.arraycopy(pair, at + 2, pair, at + 1, tail);
      count--;
      pair[at] = at + 2 <= count ? rankOr(start[at], start[at + 2]) : NONE;
      if (at > 0) {
        pair[at - 1] = rankOr(start[at - 1], start[at + 1]);
      }
    }
    for (int i = 0; i < count; i++) {
      out.add(token[i]);
    }
  }

  private void mergeLong(int len, IntList out) {
    if (next.length < len) {
      int capacity = Math.max(len, next.length * 2);
      next = new int[capacity];
      prev = new int[capacity];
      heap = new long[3 * capacity];
    }
    if (tokens.length < len) {
      tokens = new int[len + 1];
      pairRanks = new int[len + 1];
      starts = new int[len + 1];
    }
    int[] next = this.next;
    int[] prev = this.prev;
    int[] token = tokens;
    int[] pair = pairRanks;
    long[] heap = this.heap;
    int heapSize = 0;
    for (int i = 0; i < len; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      token[i] = ranks.rank(bytes, i, 1);
      pair[i] = i + 1 < len ? rankOr(i, i + 2) : NONE;
      if (pair[i] != NONE) {
        heapSize = push(heap, heapSize, pair[i], i);
      }
    }
    while (heapSize > 0) {
      long top = heap[0];
      heapSize = pop(heap, heapSize);
      int rank = (int) (top >>> 32);
      int at = (int) top;
      if (token[at] < 0 || pair[at] != rank) {
        continue; // stale: the node was merged away or its pair changed since this entry was pushed
      }
      int gone = next[at];
      token[at] = rank;
      token[gone] = -1;
      int after = next[gone];
      next[at] = after;
      if (after < len) {
        prev[after] = at;
      }
      pair[at] = after < len ? rankOr(at, next[after]) : NONE;
      if (pair[at] != NONE) {
        heapSize = push(heap, heapSize, pair[at], at);
      }
      int before = prev[at];
      if (before >= 0) {
        pair[before] = rankOr(before, after);
        if (pair[before] != NONE) {
          heapSize = push(heap, heapSize, pair[before], before);
        }
      }
    }
    for (int i = 0; i < len; i = next[i]) {
      out.add(token[i]);
    }
  }

  private int rankOr(int from, int to) {
    int rank = ranks.rank(bytes, from, to - from);
    return rank < 0 ? NONE : rank;
  }

  private static int push(long[] heap, int size, int rank, int at) {
    long entry = ((long) rank << 32) | at;
    int i = size;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= entry) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
    return size + 1;
  }

  private static int pop(long[] heap, int size) {
    long last = heap[--size];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= last) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return size;
  }
}
