package io.github.gptoss4j.structured;

import io.github.gptoss4j.structured.JsonAutomaton.Thread;
import java.util.Arrays;

/** A growable list of automaton threads, reused across the bytes of a trie walk. */
final class Threads {
  private Thread[] items = new Thread[4];
  private int size;

  void add(Thread thread) {
    if (size == items.length) {
      items = Arrays.copyOf(items, 2 * size);
    }
    items[size++] = thread;
  }

  int size() {
    return size;
  }

  Thread get(int i) {
    return items[i];
  }

  void clear() {
    size = 0;
  }

  /** Makes this list hold the threads of {@code other}. */
  void setTo(Threads other) {
    if (other != this) {
      clear();
      for (int i = 0; i < other.size; i++) {
        add(other.items[i]);
      }
    }
  }

  /** Whether the document may end here: some thread is complete. */
  boolean anyComplete() {
    for (int i = 0; i < size; i++) {
      if (items[i].complete()) {
        return true;
      }
    }
    return false;
  }

  /** The smallest shortest-completion among the threads. */
  int shortest() {
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      min = Math.min(min, items[i].shortest);
    }
    return min;
  }
}
