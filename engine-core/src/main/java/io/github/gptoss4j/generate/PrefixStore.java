package io.github.gptoss4j.generate;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shared prefix cache of one model: the KV state of prompt prefixes (a conversation's system and developer
 * messages, which repeat across requests) that any session may restore instead of prefilling them again.
 * Bounded by a memory budget, least recently used evicted first. Entries are immutable copies: a session that
 * restores one copies it into its own cache (copy on write), so sessions never share a buffer they write.
 * Thread-safe.
 */
final class PrefixStore {
  private final long budgetBytes;
  // Access order: the first entry is the least recently used.
  private final LinkedHashMap<Key, Decoder.Snapshot> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;

  PrefixStore(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** Tokens as a map key, compared by content. */
  private record Key(int[] tokens) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(tokens, k.tokens);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tokens);
    }
  }

  /**
   * Restores into {@code decoder} the longest stored prefix of {@code prompt} that is longer than {@code
   * atLeast} tokens and at most {@code limit}; returns its length, or 0 (the decoder untouched) when there is
   * none.
   */
  synchronized int restoreLongest(int[] prompt, int atLeast, int limit, Decoder decoder) {
    Key best = null;
    for (Key key : entries.keySet()) {
      int n = key.tokens.length;
      if (n > atLeast && n <= limit && (best == null || n > best.tokens.length)
          && Arrays.equals(key.tokens, 0, n, prompt, 0, n)) {
        best = key;
      }
    }
    if (best == null) {
      return 0;
    }
    decoder.restore(entries.get(best)); // get() also marks it recently used
    return best.tokens.length;
  }

  /** Whether the exact prefix {@code tokens[0, length)} is stored. */
  synchronized boolean contains(int[] tokens, int length) {
    return entries.containsKey(new Key(Arrays.copyOf(tokens, length)));
  }

  /**
   * Stores {@code snapshot} as the state of {@code tokens[0, length)} (or closes it, when that prefix is
   * stored already or alone exceeds the budget), evicting the least recently used entries over the budget.
   */
  synchronized void put(int[] tokens, int length, Decoder.Snapshot snapshot) {
    Key key = new Key(Arrays.copyOf(tokens, length));
    if (entries.containsKey(key) || snapshot.bytes() > budgetBytes) {
      snapshot.close();
      return;
    }
    entries.put(key, snapshot);
    bytes += snapshot.bytes();
    for (Iterator<Map.Entry<Key, Decoder.Snapshot>> it = entries.entrySet().iterator(); bytes > budgetBytes; ) {
      Decoder.Snapshot evicted = it.next().getValue();
      it.remove();
      bytes -= evicted.bytes();
      evicted.close();
    }
  }

  /** Prefixes stored and the bytes they take. */
  synchronized long[] usage() {
    return new long[] {entries.size(), bytes};
  }

  /** Frees every entry. */
  synchronized void clear() {
    entries.values().forEach(Decoder.Snapshot::close);
    entries.clear();
    bytes = 0;
  }
}
