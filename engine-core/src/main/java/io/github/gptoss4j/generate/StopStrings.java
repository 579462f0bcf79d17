package io.github.gptoss4j.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still be the start of a stop string is held back
 * until the next delta decides, so a stop string split across tokens is found and never shown.
 */
final class StopStrings {
  private final List<String> stops;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;

  StopStrings(List<String> stops) {
    this.stops = stops;
  }

  /** Adds a delta and returns the text now safe to show (possibly empty). */
  String accept(String delta) {
    if (stopped) {
      return "";
    }
    if (stops.isEmpty()) {
      return delta;
    }
    held.append(delta);
    int match = firstMatch();
    if (match >= 0) {
      stopped = true;
      String before = held.substring(0, match);
      held.setLength(0);
      return before;
    }
    int keep = longestPartialMatch();
    String ready = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return ready;
  }

  /** Whether a stop string was found. */
  boolean stopped() {
    return stopped;
  }

  /** The held-back text, released when generation ends without a match. */
  String flush() {
    String rest = held.toString();
    held.setLength(0);
    return rest;
  }

  private int firstMatch() {
    int first = -1;
    for (String stop : stops) {
      int at = held.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first)) {
        first = at;
      }
    }
    return first;
  }

  /** Length of the longest suffix of the held text that is a proper prefix of a stop string. */
  private int longestPartialMatch() {
    int best = 0;
    for (String stop : stops) {
      for (int len = Math.min(stop.length() - 1, held.length()); len > best; len--) {
        if (held.substring(held.length() - len).equals(stop.substring(0, len))) {
          best = len;
          break;
        }
      }
    }
    return best;
  }
}
