package io.github.gptoss4j.generate;

import io.github.gptoss4j.model.KvCache;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;

/**
 * A {@link Decoder} over the real forward pass: one {@link Sequence} (KV cache) of a shared transformer, run
 * through the model's {@link BatchScheduler} when it has one (so concurrent sessions share passes), else on the
 * calling thread.
 */
final class TransformerDecoder implements Decoder {
  private final Transformer transformer;
  private final BatchScheduler scheduler;
  private final Sequence sequence;
  private KvCache.Mark mark;

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
  public void mark() {
    mark = sequence.mark();
  }

  @Override
  public int backTo(int position) {
    if (sequence.canTruncate(position)) {
      sequence.truncate(position);
      if (mark != null && mark.position() > position) {
        mark = null; // its positions will be overwritten with other tokens
      }
    } else if (mark != null && mark.position() <= position) {
      // The sliding-window rings moved past position; the mark holds them as they were.
      sequence.rewind(mark);
    } else {
      sequence.truncate(0);
      mark = null;
    }
    return sequence.position();
  }

  @Override
  public Snapshot snapshot() {
    return new KvSnapshot(sequence.cache().copy());
  }

  @Override
  public void restore(Snapshot snapshot) {
    sequence.cache().restore(((KvSnapshot) snapshot).cache);
    mark = null;
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
    mark = null;
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
