package io.github.gptoss4j.kernels;

import io.github.gptoss4j.Precision;

import java.lang.System.Logger.Level;

/**
 * Chooses the kernel implementation at start-up, like Lucene's {@code VectorizationProvider}: the
 * Vector-API kernels when {@code jdk.incubator.vector} is present, otherwise the scalar ones after one
 * clear warning. System properties: {@code gptoss.kernels=scalar|vector} forces one,
 * {@code gptoss.threads=N} sets the pool size (default: available processors).
 */
public final class KernelProvider {
  private KernelProvider() {}

  /** Kernel implementations. */
  public enum Impl {
    /** Plain Java loops: the readable reference, and the fallback without the Vector API. */
    SCALAR,
    /** Vector-API loops for the hot kernels ({@code --add-modules jdk.incubator.vector}). */
    VECTOR
  }

  private static final class Default {
    // Chosen once, so the fallback warning appears once per JVM.
    static final Impl IMPL = chosenImpl();
    static final Kernels INSTANCE = create(IMPL, chosenThreads(), Precision.EXACT);
  }

  /**
   * The shared default kernels, created on first use and kept for the life of the JVM.
   *
   * @return the default kernels; never close them
   */
  public static Kernels get() {
    return Default.INSTANCE;
  }

  /**
   * New kernels of the implementation {@link #get()} uses (forced by {@code gptoss.kernels}, else the best
   * available) with their own pool of {@code threads} threads; close them when done.
   *
   * @param threads size of the new thread pool, at least 1
   * @return new kernels with {@link Precision#EXACT} matmuls, owned by the caller
   * @throws KernelException if {@code threads < 1}
   */
  public static Kernels create(int threads) {
    return create(Default.IMPL, threads, Precision.EXACT);
  }

  /**
   * Like {@link #create(int)}, computing matmuls with the given {@link Precision}.
   *
   * @param threads size of the new thread pool, at least 1
   * @param precision how matmuls treat activations, not null
   * @return new kernels, owned by the caller
   * @throws KernelException if {@code threads < 1}
   */
  public static Kernels create(int threads, Precision precision) {
    return create(Default.IMPL, threads, precision);
  }

  /**
   * New kernels with their own thread pool (close them when done).
   *
   * @param impl the implementation to use, not null
   * @param threads size of the new thread pool, at least 1
   * @return new kernels with {@link Precision#EXACT} matmuls, owned by the caller
   * @throws KernelException if {@code threads < 1}, or VECTOR is asked for but the Vector API is unavailable
   */
  public static Kernels create(Impl impl, int threads) {
    return create(impl, threads, Precision.EXACT);
  }

  /**
   * New kernels with their own thread pool and the given matmul {@link Precision} (close them when done).
   *
   * @param impl the implementation to use, not null
   * @param threads size of the new thread pool, at least 1
   * @param precision how matmuls treat activations, not null
   * @return new kernels, owned by the caller
   * @throws KernelException if {@code threads < 1} or {@code precision} is null, or VECTOR is asked for but the
   *     Vector API is unavailable
   */
  public static Kernels create(Impl impl, int threads, Precision precision) {
    if (precision == null) {
      throw new KernelException("kernel precision must be EXACT or INT8, got null");
    }
    if (threads < 1) {
      throw new KernelException("kernel thread count must be at least 1, got " + threads);
    }
    return switch (impl) {
      case SCALAR -> new ScalarKernels(threads, precision);
      case VECTOR -> {
        String why = vectorUnavailableReason();
        if (why != null) {
          throw new KernelException("vector kernels requested but unavailable: " + why);
        }
        yield new VectorKernels(threads, precision);
      }
    };
  }

  /** The implementation {@link #get()} uses: forced by {@code gptoss.kernels}, else the best available. */
  static Impl chosenImpl() {
    String forced = System.getProperty("gptoss.kernels");
    if (forced != null) {
      return switch (forced.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "scalar" -> Impl.SCALAR;
        case "vector" -> Impl.VECTOR;
        default -> throw new KernelException("system property gptoss.kernels=" + forced + ": expected scalar or vector");
      };
    }
    String why = vectorUnavailableReason();
    if (why == null) {
      return Impl.VECTOR;
    }
    System.getLogger(KernelProvider.class.getName())
        .log(Level.WARNING, "gptoss4j: using the slow scalar kernels because " + why
            + " (run java with --add-modules jdk.incubator.vector)");
    return Impl.SCALAR;
  }

  static int chosenThreads() {
    String prop = System.getProperty("gptoss.threads");
    if (prop == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(prop.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new KernelException("system property gptoss.threads=" + prop + ": expected a positive integer");
  }

  /** Null when the Vector API is usable, else why not. */
  static String vectorUnavailableReason() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the jdk.incubator.vector module is not present";
    }
    return VectorKernels.unusableReason();
  }
}
