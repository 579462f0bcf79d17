package io.github.gptoss4j.kernels;

/** Buffers owned by one worker; they only grow, so steady-state calls allocate nothing. */
final class Scratch {
  private float[] row = new float[0];
  private float[] scores = new float[0];
  /** Lanes of up to 8 vectors, summed in a fixed order so results never depend on the JIT's reduction order. */
  final float[] lanes = new float[64];

  /** A buffer of at least {@code n} floats for a decoded weight row (or rows). */
  float[] row(int n) {
    if (row.length < n) {
      row = new float[n];
    }
    return row;
  }

  private byte[] quants = new byte[0];
  private float[] blockScales = new float[0];

  /** A buffer of at least {@code n} bytes for a row's int8 quants. */
  byte[] quants(int n) {
    if (quants.length < n) {
      quants = new byte[n];
    }
    return quants;
  }

  /** A buffer of at least {@code n} floats for a row's block scales. */
  float[] blockScales(int n) {
    if (blockScales.length < n) {
      blockScales = new float[n];
    }
    return blockScales;
  }

  /** A buffer of at least {@code n} floats for attention scores. */
  float[] scores(int n) {
    if (scores.length < n) {
      scores = new float[n];
    }
    return scores;
  }
}
