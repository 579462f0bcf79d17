package io.github.gptoss4j.generate;

import java.util.Arrays;

/**
 * The verification stage of speculative decoding, between the sampler and the next step: once a token is
 * chosen, it runs that token, followed by the {@link Drafter}'s guesses of the next ones, in one pass that
 * yields the logits after each of them, bit for bit what one-token steps would give ({@link
 * Decoder#verify}). The next token is then chosen from the first row as usual; if it is the first guess, that
 * guess is already in the cache and the second row is the following token's logits, and so on: a guess the
 * sampler confirms costs no step. The first token chosen otherwise drops the remaining guesses from the cache
 * and starts a new pass.
 *
 * <p>So the sampler, the processors and the stop checks see every position exactly as without speculation:
 * each token is still chosen by {@link Sampler#sample} from the same logits with the same random draw. For a
 * point-mass draft this is the standard speculative sampling rule (accept the guess d with probability p(d),
 * else draw from p without d, renormalised), realised by drawing from p and comparing, which also keeps the
 * tokens of a seed. With no guesses (speculation off, or no match) a step is the plain one-token step.
 * Not thread-safe: one per generation.
 */
final class Speculator {
  private final PrefixCache cache;
  private final Drafter drafter;
  private final int maxDraft;
  private final int vocab;
  private final int[] block;
  private final float[] rows;
  // The prompt of the round and the tokens chosen since: what the drafter looks in.
  private int[] text = new int[0];
  private int length;
  // Guesses run after the last chosen token and not yet confirmed: block[next, count).
  private int next;
  private int count;
  private int drafted;
  private int accepted;

  /** A stage guessing as {@code speculation} says (none when it is off) over the session's cache. */
  Speculator(Speculation speculation, PrefixCache cache, int vocab) {
    this.cache = cache;
    this.drafter = Drafter.promptLookup(speculation.maxNgram());
    this.maxDraft = Math.min(speculation.draftTokens(), cache.maxBlock() - 1);
    this.vocab = vocab;
    this.block = new int[maxDraft + 1];
    this.rows = maxDraft == 0 ? null : new float[(maxDraft + 1) * vocab];
  }

  /** Starts a round: its prompt, which the cache holds but for the last token, is the text guesses come from. */
  void begin(int[] prompt) {
    settle();
    text = Arrays.copyOf(prompt, Math.max(prompt.length + 64, text.length));
    length = prompt.length;
  }

  /**
   * Continues after {@code token} was chosen: leaves the next token's logits in {@code logits}, guessing at
   * most {@code room} tokens beyond it (those the round may still generate after the next one).
   */
  void advance(int token, float[] logits, int room) {
    append(token);
    if (next < count && block[next] == token) {
      System.arraycopy(rows, next * vocab, logits, 0, vocab); // the logits after the guess
      next++;
      accepted++;
      return;
    }
    settle();
    int guesses = Math.min(maxDraft, room);
    int n = guesses > 0 ? drafter.draft(text, length, block, 1, guesses) : 0;
    block[0] = token;
    if (n == 0) {
      cache.forward(block, 0, 1, logits);
      return;
    }
    cache.verify(block, 0, n + 1, rows);
    System.arraycopy(rows, 0, logits, 0, vocab);
    drafted += n;
    next = 1;
    count = n + 1;
  }

  /** Drops the unconfirmed guesses from the cache, so that it holds the tokens chosen, but for the last. */
  void settle() {
    if (next < count) {
      cache.dropLast(count - next);
    }
    next = 0;
    count = 0;
  }

  /** Tokens guessed so far, over all rounds. */
  int drafted() {
    return drafted;
  }

  /** Guesses the sampler confirmed. */
  int accepted() {
    return accepted;
  }

  private void append(int token) {
    if (length == text.length) {
      text = Arrays.copyOf(text, 2 * length + 64);
    }
    text[length++] = token;
  }
}
