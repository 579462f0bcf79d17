package io.github.gptoss4j.structured;

import io.github.gptoss4j.structured.JsonAutomaton.InString;
import io.github.gptoss4j.structured.JsonAutomaton.Thread;
import java.util.Arrays;

/**
 * Computes which tokens may come next in a JSON document: the automaton walks the {@link TokenTrie} from the
 * current threads, pruning every subtree whose prefix no thread accepts; threads inside a string body use the
 * {@link Vocabulary}'s precomputed string tables instead. A token is allowed only if some thread survives its
 * bytes with a shortest completion within the byte budget. One masker serves one generation's thread.
 */
final class JsonMasker {
  private final JsonAutomaton automaton;
  private final Vocabulary vocabulary;
  private final TokenTrie trie;
  private final Threads[] levels;
  private final Threads single = new Threads();
  private final Threads scratch = new Threads();
  private final Threads walked = new Threads();

  JsonMasker(JsonAutomaton automaton, Vocabulary vocabulary) {
    this.automaton = automaton;
    this.vocabulary = vocabulary;
    this.trie = vocabulary.trie;
    levels = new Threads[trie.height(TokenTrie.ROOT) + 1];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = new Threads();
    }
  }

  /**
   * Sets in {@code allowed} (a bitset over the vocabulary, cleared first) the tokens that continue {@code
   * state} with a shortest completion of at most {@code budget} bytes after them. When no token fits (the
   * budget counts bytes, and tokens are longer), it steers: only the tokens that leave the shortest completion
   * are allowed, so the document closes as soon as the vocabulary lets it.
   */
  void allowed(Threads state, int budget, long[] allowed) {
    int shortest = state.shortest();
    if (within(state, budget, allowed) || shortest == 0) {
      return;
    }
    // shortest - 1 always fits (a single-byte token of the shortest completion): search the tightest budget.
    int lo = Math.max(0, Math.min(budget + 1, shortest - trie.height(TokenTrie.ROOT)));
    int hi = shortest - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (within(state, mid, allowed)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    within(state, hi, allowed);
  }

  private boolean within(Threads state, int budget, long[] allowed) {
    Arrays.fill(allowed, 0);
    walked.clear();
    for (int i = 0; i < state.size(); i++) {
      Thread thread = state.get(i);
      if (thread.top instanceof InString s) {
        string(thread, s, budget, allowed);
      } else {
        walked.add(thread);
      }
    }
    if (walked.size() > 0) {
      walk(TokenTrie.ROOT, walked, 0, budget, allowed);
    }
    for (long w : allowed) {
      if (w != 0) {
        return true;
      }
    }
    return false;
  }

  /** The threads {@code state} becomes after the bytes {@code token}, into {@code out} (cleared first). */
  void advance(Threads state, byte[] token, Threads out) {
    out.setTo(state);
    for (int i = 0; i < token.length && out.size() > 0; i++) {
      scratch.clear();
      for (int t = 0; t < out.size(); t++) {
        automaton.step(out.get(t), token[i] & 0xFF, scratch);
      }
      out.setTo(scratch);
    }
  }

  private void walk(int node, Threads threads, int depth, int budget, long[] allowed) {
    Threads next = levels[depth];
    for (int child = node + 1; child < trie.end(node); child = trie.end(child)) {
      int b = trie.edge(child);
      next.clear();
      for (int i = 0; i < threads.size(); i++) {
        automaton.step(threads.get(i), b, next);
      }
      if (next.size() == 0) {
        continue;
      }
      int shortest = next.shortest();
      int token = trie.token(child);
      if (token >= 0 && shortest <= budget) {
        allowed[token >>> 6] |= 1L << token;
      }
      // Each byte shortens the completion by at most one, so a subtree too shallow to get within budget is dead.
      if (trie.end(child) > child + 1 && shortest - trie.height(child) <= budget) {
        walk(child, next, depth + 1, budget, allowed);
      }
    }
  }

  /** Tokens from a thread inside a string body: tabulated ones that stay inside, walked ones that close it. */
  private void string(Thread thread, InString s, int budget, long[] allowed) {
    Vocabulary.StringTable table = vocabulary.strings(s.state());
    int afterClose = 1 + (thread.below == null ? 0 : thread.below.shortest);
    int missing = Math.max(0, s.minLength() - s.count());
    int left = s.maxLength() == Integer.MAX_VALUE ? Integer.MAX_VALUE : s.maxLength() - s.count();
    long[] fitting = left >= table.mostBegun ? table.inside : table.beginningAtMost(left);
    if (afterClose + 4 + missing <= budget) { // 4: the most bytes a character or escape can leave to go
      // No token inside the body can break the budget, and the length bound is one precomputed set: fast.
      for (int w = 0; w < fitting.length; w++) {
        allowed[w] |= fitting[w];
      }
    } else if (missing == 0 && afterClose <= budget) {
      // Steering: only a character left unfinished costs bytes now.
      long[] pending = table.pendingAtMost[Math.min(4, budget - afterClose)];
      for (int w = 0; w < fitting.length; w++) {
        allowed[w] |= fitting[w] & pending[w];
      }
    } else if (afterClose <= budget) {
      long[] inside = table.inside;
      for (int w = 0; w < inside.length; w++) {
        for (long bits = inside[w]; bits != 0; bits &= bits - 1) {
          int token = (w << 6) + Long.numberOfTrailingZeros(bits);
          int chars = table.begun[token] & 0xFF;
          int shortest = afterClose + Utf8String.pendingBytes(table.endState[token]) + Math.max(0, missing - chars);
          if (chars <= left && shortest <= budget) {
            allowed[w] |= 1L << token;
          }
        }
      }
    }
    single.clear();
    single.add(thread);
    Threads out = levels[0];
    for (int token : table.closing) {
      advance(single, vocabulary.bytes[token], out);
      if (out.size() > 0 && out.shortest() <= budget) {
        allowed[token >>> 6] |= 1L << token;
      }
    }
  }
}
