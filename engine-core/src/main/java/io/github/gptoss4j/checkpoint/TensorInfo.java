package io.github.gptoss4j.checkpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * One tensor of a safetensors file, as its header describes it.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, outermost first (empty for a scalar)
 * @param file the shard holding the tensor
 * @param offset absolute byte offset of the first element in {@code file}
 * @param byteSize bytes the tensor occupies ({@code numel × dtype size})
 */
public record TensorInfo(String name, Dtype dtype, List<Long> shape, Path file, long offset, long byteSize) {
  public TensorInfo {
    shape = List.copyOf(shape);
  }

  /** Number of elements (1 for a scalar). */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
