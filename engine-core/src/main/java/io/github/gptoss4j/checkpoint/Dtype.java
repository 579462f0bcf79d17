package io.github.gptoss4j.checkpoint;

import io.github.gptoss4j.CheckpointException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types a safetensors file may hold, under their safetensors names. */
public enum Dtype {
  BF16(2),
  F16(2),
  F32(4),
  F64(8),
  U8(1),
  I8(1),
  I16(2),
  I32(4),
  I64(8),
  BOOL(1);

  private final int byteSize;

  Dtype(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * The dtype called {@code name} in a safetensors header.
   *
   * @throws CheckpointException naming {@code where} if the dtype is not supported
   */
  static Dtype parse(String name, String where) {
    for (Dtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    throw new CheckpointException(
        where + ": unsupported dtype '" + name + "', expected one of " + supportedNames());
  }

  static String supportedNames() {
    return Arrays.stream(values()).map(Dtype::name).collect(Collectors.joining(", "));
  }
}
