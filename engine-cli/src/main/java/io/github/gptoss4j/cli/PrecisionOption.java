package io.github.gptoss4j.cli;

import io.github.gptoss4j.kernels.KernelProvider;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.Precision;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --precision exact|int8}, shared by every command that runs the model. */
final class PrecisionOption implements ITypeConverter<Precision> {
  static final String DESCRIPTION =
      "exact (default: matches OpenAI's reference) or int8 (fast path: attention and unembedding repacked to"
          + " 8-bit blocks at load, activations quantised per 32 values; see docs/performance.md).";

  @Override
  public Precision convert(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "exact" -> Precision.EXACT;
      case "int8" -> Precision.INT8;
      default -> throw new TypeConversionException("expected exact or int8, got '" + value + "'");
    };
  }

  /** New kernels of the default implementation and thread count computing with {@code precision}; close them. */
  static Kernels kernels(Precision precision) {
    return KernelProvider.create(Kernels.get().threads(), precision);
  }
}
