package io.github.gptoss4j.generate;

import io.github.gptoss4j.model.DecodeBatch;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching for the sessions of one model: each session's decoder submits its next forward step
 * (one token, or a block of its prompt) and waits; the first waiting thread that finds no pass running becomes
 * the leader and runs one pass for what is queued: up to {@code batchSize} decode tokens of different sessions
 * together ({@link Transformer#decode}, the weights read once for all), then prompt blocks up to a per-pass
 * budget, so a long prompt delays the others by one block per pass at most. A session joins or leaves between
 * passes; cancellation, stop strings, sampling and logits processors stay in each session's own loop. Every
 * session's results are bit-identical to running alone, so determinism holds whatever the batch.
 */
final class BatchScheduler {
  private final Transformer transformer;
  private final int batchSize;
  private final int prefillTokensPerPass;
  private final DecodeBatch batch;
  private final float[] batchLogits;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition passDone = lock.newCondition();
  private final ArrayDeque<Step> queue = new ArrayDeque<>();
  private boolean running;
  private long passes;
  private long batchedTokens;
  private int largestBatch;

  BatchScheduler(Transformer transformer, int batchSize, int prefillTokensPerPass) {
    this.transformer = transformer;
    this.batchSize = batchSize;
    this.prefillTokensPerPass = prefillTokensPerPass;
    this.batch = transformer.newDecodeBatch(batchSize);
    this.batchLogits = new float[batchSize * transformer.config().vocabSize()];
  }

  /** How a step runs when it is not batched with other sessions' tokens. */
  @FunctionalInterface
  private interface Alone {
    void run(Sequence sequence, int[] tokens, int off, int n, float[] logits);
  }

  /** One forward step of one session, as {@link Decoder#forward} or {@link Decoder#verify} describes it. */
  private static final class Step {
    final Sequence sequence;
    final int[] tokens;
    final int off;
    final int n;
    final float[] logits;
    final Alone alone;
    boolean done;
    RuntimeException failure;

    Step(Sequence sequence, int[] tokens, int off, int n, float[] logits, Alone alone) {
      this.sequence = sequence;
      this.tokens = tokens;
      this.off = off;
      this.n = n;
      this.logits = logits;
      this.alone = alone;
    }

    boolean isDecode() {
      return n == 1;
    }
  }

  /** Runs the step in some pass (perhaps led by this thread) and returns when it is done. */
  void forward(Sequence sequence, int[] tokens, int off, int n, float[] logits, boolean everyPosition) {
    run(new Step(sequence, tokens, off, n, logits,
        (s, t, o, c, l) -> transformer.forward(s, t, o, c, l, everyPosition)));
  }

  /**
   * Runs a speculative verification ({@link Transformer#verify}) in some pass: like a prompt block, on its own
   * after the pass's batched decode tokens, never inside their batch.
   */
  void verify(Sequence sequence, int[] tokens, int off, int n, float[] logits) {
    run(new Step(sequence, tokens, off, n, logits, transformer::verify));
  }

  private void run(Step step) {
    lock.lock();
    try {
      queue.add(step);
      while (!step.done) {
        if (running) {
          passDone.awaitUninterruptibly();
        } else {
          lead();
        }
      }
    } finally {
      lock.unlock();
    }
    if (step.failure != null) {
      throw step.failure;
    }
  }

  /** Passes run so far, the decode tokens they ran, and the most decode tokens one pass batched. */
  long[] counts() {
    lock.lock();
    try {
      return new long[] {passes, batchedTokens, largestBatch};
    } finally {
      lock.unlock();
    }
  }

  /** Takes this pass's steps off the queue and runs them with the lock released. Called holding the lock. */
  private void lead() {
    List<Step> decodes = new ArrayList<>();
    List<Step> prompts = new ArrayList<>();
    int prefillBudget = prefillTokensPerPass;
    for (var it = queue.iterator(); it.hasNext(); ) {
      Step s = it.next();
      if (s.isDecode() ? decodes.size() < batchSize : prompts.isEmpty() || s.n <= prefillBudget) {
        (s.isDecode() ? decodes : prompts).add(s);
        if (!s.isDecode()) {
          prefillBudget -= s.n;
        }
        it.remove();
      }
    }
    running = true;
    lock.unlock();
    try {
      runDecodes(decodes);
      prompts.forEach(this::runAlone);
    } catch (Error e) {
      GenerationException failed = new GenerationException("a batched forward pass failed: " + e);
      decodes.forEach(s -> s.failure = s.failure == null ? failed : s.failure);
      prompts.forEach(s -> s.failure = s.failure == null ? failed : s.failure);
      throw e;
    } finally {
      lock.lock();
      running = false;
      passes++;
      batchedTokens += decodes.size();
      largestBatch = Math.max(largestBatch, decodes.size());
      decodes.forEach(s -> s.done = true);
      prompts.forEach(s -> s.done = true);
      passDone.signalAll();
    }
  }

  private void runDecodes(List<Step> decodes) {
    if (decodes.size() < 2) {
      decodes.forEach(this::runAlone);
      return;
    }
    int count = decodes.size();
    Sequence[] sequences = new Sequence[count];
    int[] tokens = new int[count];
    for (int i = 0; i < count; i++) {
      sequences[i] = decodes.get(i).sequence;
      tokens[i] = decodes.get(i).tokens[decodes.get(i).off];
    }
    try {
      transformer.decode(batch, sequences, tokens, count, batchLogits);
    } catch (RuntimeException e) {
      // A batch fails before any work (a token or context check): run each alone so only the culprit fails.
      decodes.forEach(this::runAlone);
      return;
    }
    int vocab = transformer.config().vocabSize();
    for (int i = 0; i < count; i++) {
      float[] logits = decodes.get(i).logits;
      if (logits != null) {
        System.arraycopy(batchLogits, i * vocab, logits, 0, vocab);
      }
    }
  }

  private void runAlone(Step s) {
    try {
      s.alone.run(s.sequence, s.tokens, s.off, s.n, s.logits);
    } catch (RuntimeException e) {
      s.failure = e;
    }
  }
}
