package io.github.gptoss4j.testkit;

import io.github.gptoss4j.KvType;
import io.github.gptoss4j.checkpoint.GptOssConfig;
import io.github.gptoss4j.checkpoint.ModelWeights;
import io.github.gptoss4j.kernels.Kernels;
import io.github.gptoss4j.kernels.WeightMatrix;
import io.github.gptoss4j.model.KvCache;
import io.github.gptoss4j.model.Sequence;
import io.github.gptoss4j.model.Transformer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one decode step's time goes: the step runs on kernels wrapped in a timing proxy, and every kernel call's
 * wall time is added to its operation class (a matmul's class is found by the identity of its weight matrix).
 * The pool's wait counter ({@link Kernels#workerWaitNanos}) read around each call splits off the time the
 * calling thread spent waiting for the workers. Each class is set against the time its bytes take at the
 * stream bandwidth of the same run, so a class far from its bound shows up as a gap.
 */
public final class DecodeBudget {
  private DecodeBudget() {}

  /** Operation classes of a decode step, in the order the budget table lists them. */
  enum Op {
    EXPERTS("MXFP4 experts (mlp1 + mlp2)"),
    PROJECTIONS("attention projections q/k/v/o"),
    UNEMBEDDING("unembedding"),
    ROUTER("router matvec"),
    ATTENTION("attention (scores, softmax, values)"),
    ELEMENTWISE("norms, top-k, SwiGLU, residual adds, embedding row"),
    WAITS("thread hand-offs and waits"),
    REST("model code between kernel calls");

    final String label;

    Op(String label) {
      this.label = label;
    }
  }

  /**
   * One class's share of a decode step.
   *
   * @param op the class name
   * @param msPerToken wall time per decoded token (for kernel classes, without the waits for workers)
   * @param share fraction of the step
   * @param bytesPerToken bytes the class reads per token (0 where it reads little or none)
   * @param gbPerS the rate it read them at
   * @param streamBoundMs the time those bytes take at the measured stream bandwidth
   */
  public record Row(String op, double msPerToken, double share, long bytesPerToken, double gbPerS, double streamBoundMs) {}

  /**
   * The budget of one decode step.
   *
   * @param depth context length before the timed steps
   * @param tokens decode steps timed
   * @param stepMs wall time per step
   * @param rows one row per operation class; their times add up to the step
   */
  public record Budget(int depth, int tokens, double stepMs, List<Row> rows) {}

  /**
   * Times {@code tokens} greedy decode steps after {@code depth} tokens of context, on {@code model}'s kernels
   * behind the timing proxy. Run it after the plain decode measurement, so the JIT is warm and the experts the
   * steps route to are in memory.
   */
  static Budget measure(
      Transformer model, ModelWeights weights, KvType kvType, int depth, int tokens, double streamGbPerS) {
    Map<Object, Op> classOf = classes(weights);
    Timer timer = new Timer(model.kernels(), classOf);
    Kernels timed = (Kernels) Proxy.newProxyInstance(
        Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, timer);
    Transformer profiled = new Transformer(weights, timed);
    GptOssConfig config = model.config();
    float[] logits = new float[config.vocabSize()];
    int block = Math.max(1, Math.min(depth, Transformer.DEFAULT_MAX_BLOCK));
    try (Sequence seq = profiled.newSequence(kvType, Long.MAX_VALUE, block)) {
      int[] next = {0};
      if (depth > 0) {
        profiled.forward(seq, EndToEndBench.randomTokens(depth, config.vocabSize(), 2), 0, depth, logits, false);
        next[0] = model.kernels().argmax(logits, 0, logits.length);
      }
      KvCache.Mark mark = seq.mark();
      steps(profiled, seq, mark, next[0], tokens, logits); // warms the proxy's call paths
      timer.reset();
      long stepNanos = steps(profiled, seq, mark, next[0], tokens, logits);
      return budget(timer, stepNanos, tokens, depth, bytes(weights, depth + tokens / 2, kvType), streamGbPerS);
    }
  }

  /** Nanoseconds of {@code tokens} greedy decode steps from {@code mark}, starting with {@code first}. */
  private static long steps(Transformer model, Sequence seq, KvCache.Mark mark, int first, int tokens, float[] logits) {
    seq.rewind(mark);
    int[] next = {first};
    long t0 = System.nanoTime();
    for (int i = 0; i < tokens; i++) {
      model.forward(seq, next, 0, 1, logits, false);
      next[0] = model.kernels().argmax(logits, 0, logits.length);
    }
    return System.nanoTime() - t0;
  }

  private static Budget budget(Timer timer, long stepNanos, int tokens, int depth, Map<Op, Long> bytes, double stream) {
    long kernelNanos = 0;
    for (long n : timer.wall.values()) {
      kernelNanos += n;
    }
    List<Row> rows = new ArrayList<>();
    double stepMs = stepNanos / 1e6 / tokens;
    for (Op op : Op.values()) {
      long nanos = switch (op) {
        case WAITS -> timer.waits;
        case REST -> stepNanos - kernelNanos;
        default -> timer.wall.getOrDefault(op, 0L) - timer.waitsOf.getOrDefault(op, 0L);
      };
      double ms = nanos / 1e6 / tokens;
      long b = bytes.getOrDefault(op, 0L);
      rows.add(new Row(op.label, ms, ms / stepMs, b, ms > 0 ? b / (ms * 1e6) : 0, b / (stream * 1e6)));
    }
    return new Budget(depth, tokens, stepMs, rows);
  }

  /** Which class each weight matrix's matmuls belong to. */
  private static Map<Object, Op> classes(ModelWeights w) {
    Map<Object, Op> classOf = new IdentityHashMap<>();
    classOf.put(w.unembedding(), Op.UNEMBEDDING);
    for (ModelWeights.Layer layer : w.layers()) {
      ModelWeights.Attention a = layer.attention();
      for (WeightMatrix m : List.of(a.q(), a.k(), a.v(), a.o())) {
        classOf.put(m, Op.PROJECTIONS);
      }
      classOf.put(layer.moe().router(), Op.ROUTER);
      for (ModelWeights.Expert e : layer.moe().experts()) {
        classOf.put(e.gateUp(), Op.EXPERTS);
        classOf.put(e.down(), Op.EXPERTS);
      }
    }
    return classOf;
  }

  /** Bytes each class reads per decode step with {@code positions} of context (the chosen experts distinct). */
  static Map<Op, Long> bytes(ModelWeights w, int positions, KvType kvType) {
    GptOssConfig c = w.config();
    Map<Op, Long> bytes = new EnumMap<>(Op.class);
    bytes.put(Op.UNEMBEDDING, w.unembedding().byteSize());
    long projections = 0;
    long router = 0;
    long experts = 0;
    for (ModelWeights.Layer layer : w.layers()) {
      ModelWeights.Attention a = layer.attention();
      projections += a.q().byteSize() + a.k().byteSize() + a.v().byteSize() + a.o().byteSize();
      router += layer.moe().router().byteSize();
      ModelWeights.Expert e = layer.moe().experts().get(0);
      experts += (long) c.expertsPerToken() * (e.gateUp().byteSize() + e.down().byteSize());
    }
    bytes.put(Op.PROJECTIONS, projections);
    bytes.put(Op.ROUTER, router);
    bytes.put(Op.EXPERTS, experts);
    long kvRowBytes = 2L * c.numKvHeads() * c.headDim() * kvType.bytes();
    long kv = 0;
    for (int l = 0; l < c.numLayers(); l++) {
      int window = c.windowOf(l);
      kv += kvRowBytes * (window > 0 ? Math.min(window, positions) : positions);
    }
    bytes.put(Op.ATTENTION, kv);
    return bytes;
  }

  /** The proxy's handler: delegates every call and adds its wall time (and the pool waits in it) to its class. */
  private static final class Timer implements InvocationHandler {
    private final Kernels kernels;
    private final Map<Object, Op> classOf;
    final Map<Op, Long> wall = new EnumMap<>(Op.class);
    final Map<Op, Long> waitsOf = new EnumMap<>(Op.class);
    long waits;

    Timer(Kernels kernels, Map<Object, Op> classOf) {
      this.kernels = kernels;
      this.classOf = classOf;
    }

    void reset() {
      wall.clear();
      waitsOf.clear();
      waits = 0;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Op op = switch (method.getName()) {
        case "matmul", "matvecs" -> classOf.getOrDefault(args[0], Op.ELEMENTWISE);
        case "attention" -> Op.ATTENTION;
        case "rmsNorm", "swiglu", "softmax", "topK", "axpy", "embedding", "argmax", "softmaxWeights", "sum" ->
            Op.ELEMENTWISE;
        default -> null; // name(), threads(), …: not part of a step's work
      };
      long w0 = op == null ? 0 : kernels.workerWaitNanos();
      long t0 = System.nanoTime();
      Object result;
      try {
        result = method.invoke(kernels, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (op != null) {
        long t1 = System.nanoTime();
        long waited = kernels.workerWaitNanos() - w0;
        wall.merge(op, t1 - t0, Long::sum);
        waitsOf.merge(op, waited, Long::sum);
        waits += waited;
      }
      return result;
    }
  }
}
