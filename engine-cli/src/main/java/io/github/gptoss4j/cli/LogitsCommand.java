package io.github.gptoss4j.cli;

import io.github.gptoss4j.checkpoint.Checkpoint;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.Precision;
import io.github.gptoss4j.KvType;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gptoss logits}: the float32 logits of every position of a token sequence, as a NumPy file. */
@Command(
    name = "logits",
    mixinStandardHelpOptions = true,
    description = "Write the logits of every position of a token sequence as a float32 .npy [tokens, vocab].")
final class LogitsCommand implements Callable<Integer> {
  /** How the sequence is fed, to check that all three give the same logits. */
  enum Mode {
    /** The whole sequence in one pass. */
    prefill,
    /** One token at a time. */
    decode,
    /** Uneven chunks of 3, 5, 1, 7 and 2 tokens, repeated. */
    chunked
  }

  private static final int[] CHUNKS = {3, 5, 1, 7, 2};

  @Option(names = "--model", required = true, description = "Model directory (Hugging Face or original layout).")
  Path model;

  @Option(names = "--tokens", required = true, split = ",", description = "Token ids, comma-separated.")
  int[] tokens;

  @Option(names = "--out", required = true, description = "Output .npy file.")
  Path out;

  @Option(names = "--precision", defaultValue = "exact", converter = PrecisionOption.class,
      description = PrecisionOption.DESCRIPTION)
  Precision precision;

  @Option(names = "--mode", defaultValue = "prefill", description = "prefill, decode or chunked (default: ${DEFAULT-VALUE}).")
  Mode mode;

  @Override
  public Integer call() throws IOException {
    if (tokens.length == 0) {
      throw new CliException("--tokens: give at least one token id");
    }
    try (Checkpoint checkpoint = Checkpoint.open(model);
        Kernels kernels = PrecisionOption.kernels(precision);
        Arena repacked = Arena.ofShared()) {
      Transformer transformer = new Transformer(checkpoint.weights().forPrecision(precision, repacked), kernels);
      int vocab = transformer.config().vocabSize();
      float[] logits = new float[Math.multiplyExact(tokens.length, vocab)];
      int maxBlock = mode == Mode.prefill ? Math.min(tokens.length, 512) : 8;
      try (Sequence seq = transformer.newSequence(KvType.F32, Long.MAX_VALUE, maxBlock)) {
        for (int p = 0, i = 0; p < tokens.length; p += chunk(i, maxBlock), i++) {
          int n = Math.min(chunk(i, maxBlock), tokens.length - p);
          transformer.forward(seq, tokens, p, n, logits, p * vocab, true);
        }
      }
      writeAtomically(logits, tokens.length, vocab);
    }
    return 0;
  }

  private int chunk(int index, int maxBlock) {
    return switch (mode) {
      case prefill -> maxBlock;
      case decode -> 1;
      case chunked -> CHUNKS[index % CHUNKS.length];
    };
  }

  /** Writes next to {@code out} and moves into place, so a failure never leaves half a file. */
  private void writeAtomically(float[] logits, int rows, int cols) throws IOException {
    if (Files.isDirectory(out)) {
      throw new CliException("--out " + out + " is a directory; give a file name such as logits.npy");
    }
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".logits", ".npy.tmp");
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp))) {
      NpyWriter.write(os, logits, rows, cols);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
