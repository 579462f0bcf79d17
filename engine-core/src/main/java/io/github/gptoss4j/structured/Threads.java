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

  /** The smallest shortest-completion among the threads. */
  int shortest() {
    int min = Integer.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      min = Math.min(min, items[i].shortest);
    }
    return min;
  }
}
