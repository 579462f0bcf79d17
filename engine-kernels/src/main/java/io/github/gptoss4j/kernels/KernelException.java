package io.github.gptoss4j.kernels;

import io.github.gptoss4j.GptOssException;

/** A kernel was called with arguments that do not fit together (shapes, offsets, KV capacity, RoPE settings). */
public final class KernelException extends GptOssException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception whose message names what was wrong and what was expected.
   *
   * @param message what was wrong (kernel, shape, offset or setting) and what was expected
   */
  public KernelException(String message) {
    super(message);
  }
}
