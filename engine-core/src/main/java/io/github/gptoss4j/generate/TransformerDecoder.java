package io.github.gptoss4j.generate;

import io.github.gptoss4j.model.KvCache;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;
import java.util.ArrayDeque;

/**
 * A {@link Decoder} over the real forward pass: one {@link Sequence} (KV cache) of a shared transformer, run
 * through the model's {@link BatchScheduler} when it has one (so concurrent sessions share passes), else on the
 * calling thread.
 */
final class TransformerDecoder implements Decoder {
  private final Transformer transformer;
  private final BatchScheduler scheduler;
  private final Sequence sequence;
  // Positions to come back to, oldest first: the first one taken (the system and developer messages, which a
  // reset conversation still shares) and the newest (the end of the last prompt).
  private final ArrayDeque<KvCache.Mark> marks = new ArrayDeque<>(2);

  /** @param scheduler batches this session's passes with others', or null to run them on the calling thread */
  TransformerDecoder(Transformer transformer, BatchScheduler scheduler, ModelOptions options, int maxBlock) {
    this.transformer = transformer;
    this.scheduler = scheduler;
    this.sequence = transformer.newSequence(options.kvType(), options.kvBudgetBytes(), maxBlock);
  }

  @Override
  public int position() {
    return sequence.position();
  }

  @Override
  public int maxBlock() {
    return sequence.maxBlock();
  }

  @Override
  public void forward(int[] tokens, int off, int n, float[] logits, boolean everyPosition) {
    if (scheduler != null) {
      scheduler.forward(sequence, tokens, off, n, logits, everyPosition);
    } else {
      transformer.forward(sequence, tokens, off, n, logits, everyPosition);
    }
  }

  @Override
  public void verify(int[] tokens, int off, int n, float[] logits) {
    if (scheduler != null) {
      scheduler.verify(sequence, tokens, off, n, logits);
    } else {
      transformer.verify(sequence, tokens, off, n, logits);
    }
  }

  @Override
  public void mark() {
    if (marks.size() == 2) {
      marks.removeLast();
    }
    marks.addLast(sequence.mark());
  }

  @Override
  public int backTo(int position) {
    if (sequence.canTruncate(position)) {
      sequence.truncate(position);
    } else {
      // The sliding-window rings moved past position; the latest mark before it holds them as they were.
      dropMarksAfter(position);
      if (marks.isEmpty()) {
        sequence.truncate(0);
      } else {
        sequence.rewind(marks.getLast());
      }
    }
    dropMarksAfter(sequence.position()); // their positions will be overwritten with other tokens
    return sequence.position();
  }

  private void dropMarksAfter(int position) {
    while (!marks.isEmpty() && marks.getLast().position() > position) {
      marks.removeLast();
    }
  }

  @Override
  public Snapshot snapshot() {
    return new KvSnapshot(sequence.cache().copy());
  }

  @Override
  public void restore(Snapshot snapshot) {
    sequence.cache().restore(((KvSnapshot) snapshot).cache);
    marks.clear(); // they held another content's rings
  }

  @Override
  public String stateFormat() {
    return sequence.cache().format();
  }

  @Override
  public void writeState(DataOutputStream out) throws IOException {
    sequence.cache().writeTo(out);
  }

  @Override
  public void readState(DataInputStream in) throws IOException {
    marks.clear(); // they held another content's rings
    sequence.cache().readFrom(in);
  }

  @Override
  public void close() {
    sequence.close();
  }

  /** A copy of a sequence's KV cache. */
  private record KvSnapshot(KvCache cache) implements Snapshot {
    @Override
    public int position() {
      return cache.size();
    }

    @Override
    public long bytes() {
      return cache.allocatedBytes();
    }

    @Override
    public void close() {
      cache.close();
    }
  }
}
