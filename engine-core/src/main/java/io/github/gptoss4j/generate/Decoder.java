package io.github.gptoss4j.generate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Runs tokens through a model for one session and yields next-token logits: the seam between the generation
 * loop and the forward pass, so tests can substitute a scripted source. Not thread-safe.
 */
interface Decoder extends AutoCloseable {

  /** Tokens held (the next token goes at this position). */
  int position();

  /** Largest block worth running in one call (prefill is split into such blocks to stay cancellable). */
  int maxBlock();

  /**
   * Runs {@code tokens[off, off + n)} at the next positions.
   *
   * @param logits receives the last token's logits ({@code vocab} floats), or with {@code everyPosition} the
   *     logits of each of the n positions one after the other ({@code n · vocab} floats); null when none are
   *     needed
   */
  void forward(int[] tokens, int off, int n, float[] logits, boolean everyPosition);

  /**
   * Runs {@code tokens[off, off + n)}, at most {@link #maxBlock()}, at the next positions as n one-token {@link
   * #forward} calls would, in one pass: {@code logits} receives the logits after each of them ({@code n · vocab}
   * floats), bit for bit those of the one-token calls, and the state is theirs too. Speculative decoding
   * verifies its guesses with it; a block {@link #forward} may differ from one-token steps in the last bits.
   */
  void verify(int[] tokens, int off, int n, float[] logits);

  /**
   * Remembers the current position as one {@link #backTo} may return to even when truncation cannot; valid
   * until the decoder goes back before it.
   */
  void mark();

  /**
   * Forgets tokens so that at most {@code position} are held, keeping as many as possible.
   *
   * @return the position now held ({@code <= position})
   */
  int backTo(int position);

  /** A copy of the state (the KV cache) of the tokens held, which any decoder of the same model can restore. */
  Snapshot snapshot();

  /**
   * Makes this decoder hold exactly what {@code snapshot} holds, forgetting its own tokens.
   *
   * @throws io.github.gptoss4j.model.ContextOverflowException if the snapshot does not fit this decoder's budget
   */
  void restore(Snapshot snapshot);

  /** What a saved state must match to be read back ({@link #readState}): the model's KV shape and options. */
  String stateFormat();

  /** Writes the state of the tokens held. */
  void writeState(DataOutputStream out) throws IOException;

  /**
   * Replaces the state with one {@link #writeState} wrote for the same {@link #stateFormat()}.
   *
   * @throws IOException if the data ends early or does not fit
   */
  void readState(DataInputStream in) throws IOException;

  @Override
  void close();

  /** A decoder's state at one position; immutable once taken. */
  interface Snapshot extends AutoCloseable {
    /** Tokens it holds. */
    int position();

    /** Memory it takes. */
    long bytes();

    @Override
    void close();
  }
}
