package io.github.gptoss4j.generate;

import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.tokenizer.AllowedSpecial;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link GptOss} whose "model" replays a script: the n-th time logits are asked for, the n-th scripted
 * token gets logit 1 and every other token 0, so greedy sampling yields the script exactly. The script is
 * written in Harmony text (special tokens spelled out) and encoded with the real o200k_harmony tokenizer.
 */
final class ScriptedModel {
  static final Tokenizer TOKENIZER = Tokenizer.o200kHarmony();
  static final int VOCAB = TOKENIZER.vocabSize();

  final List<Integer> script = new ArrayList<>();
  /** Every token the sessions ran, in order, for checking what was prefilled. */
  final List<Integer> forwarded = new ArrayList<>();
  final AtomicInteger logitsServed = new AtomicInteger();
  volatile long nanosPerForward;
  volatile Runnable beforeForward = () -> {};
  int contextLimit = 100_000;
  int maxBlock = 16;

  /** Appends the tokens of {@code harmonyText} (e.g. {@code "<|channel|>final<|message|>Hi<|return|>"}). */
  ScriptedModel then(String harmonyText) {
    for (int t : encode(harmonyText)) {
      script.add(t);
    }
    return this;
  }

  static int[] encode(String harmonyText) {
    return TOKENIZER.encode(harmonyText, AllowedSpecial.ALL);
  }

  static int id(String special) {
    return TOKENIZER.specialTokenId(special);
  }

  GptOss model() {
    return new GptOss(
        Decoder::new, null, null, () -> 0, Speculation.OFF, HarmonyEncoding.of(TOKENIZER), Kernels.get(), VOCAB, contextLimit, "a test limit", () -> {});
  }

  private final class Decoder implements io.github.gptoss4j.generate.Decoder {
    private int position;

    @Override
    public int position() {
      return position;
    }

    @Override
    public int maxBlock() {
      return maxBlock;
    }

    @Override
    public void forward(int[] tokens, int off, int n, float[] logits, boolean everyPosition) {
      beforeForward.run();
      if (nanosPerForward > 0) {
        try {
          Thread.sleep(nanosPerForward / 1_000_000, (int) (nanosPerForward % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (forwarded) {
        for (int i = off; i < off + n; i++) {
          forwarded.add(tokens[i]);
        }
      }
      position += n;
      int rows = logits == null ? 0 : everyPosition ? n : 1;
      for (int r = 0; r < rows; r++) {
        Arrays.fill(logits, r * VOCAB, (r + 1) * VOCAB, 0f);
        int k = logitsServed.getAndIncrement();
        logits[r * VOCAB + script.get(Math.min(k, script.size() - 1))] = 1f;
      }
    }

    @Override
    public void verify(int[] tokens, int off, int n, float[] logits) {
      forward(tokens, off, n, logits, true);
    }

    @Override
    public void mark() {}

    @Override
    public int backTo(int p) {
      position = p;
      return p;
    }

    @Override
    public Snapshot snapshot() {
      int at = position;
      return new Snapshot() {
        @Override
        public int position() {
          return at;
        }

        @Override
        public long bytes() {
          return 0;
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public void restore(Snapshot snapshot) {
      position = snapshot.position();
    }

    @Override
    public String stateFormat() {
      return "scripted";
    }

    @Override
    public void writeState(java.io.DataOutputStream out) throws java.io.IOException {
      out.writeInt(position);
    }

    @Override
    public void readState(java.io.DataInputStream in) throws java.io.IOException {
      position = in.readInt();
    }

    @Override
    public void close() {}
  }
}
