package io.github.gptoss4j.bench.structured;

import io.github.gptoss4j.generate.LogitsProcessor;
import io.github.gptoss4j.generate.TokenContext;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.structured.ConstrainedReply;
import io.github.gptoss4j.structured.JsonSchema;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of structured output's token mask on the real o200k_harmony vocabulary (201,088 tokens), one thread:
 * a constrained processor reads a JSON answer for a nested schema (objects in objects, an array of {@code $ref}
 * items, an enum, an {@code anyOf}) token by token, as during decoding, and masks the logits before each
 * token. One operation is one token's mask (the document's {@value #TOKENS} tokens per invocation), so the
 * score is the mean per-token cost over every kind of position: keys, string bodies, numbers, separators.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar engine-bench/target/benchmarks.jar MaskBenchmark -f 1};
 * {@link #main} measures thread CPU time per position instead, which a loaded machine disturbs less.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MaskBenchmark {
  static final String SCHEMA = """
      {"type": "object", "additionalProperties": false, "required": ["id", "status", "customer", "items"],
       "properties": {
         "id": {"type": "integer"},
         "status": {"enum": ["open", "paid", "shipped"]},
         "customer": {"type": "object", "additionalProperties": false, "required": ["name", "address"],
           "properties": {
             "name": {"type": "string", "maxLength": 40},
             "address": {"type": "object", "additionalProperties": false, "required": ["city"],
               "properties": {"city": {"type": "string"}, "zip": {"type": "string", "maxLength": 10}}}}},
         "items": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"$ref": "#/$defs/item"}},
         "note": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
       "$defs": {"item": {"type": "object", "additionalProperties": false, "required": ["sku", "qty"],
         "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"},
                        "tags": {"type": "array", "items": {"type": "string"}}}}}}""";
  static final String DOCUMENT = "{\"id\": 1042, \"status\": \"shipped\", \"customer\": {\"name\": \"Ann Lee\","
      + " \"address\": {\"city\": \"Oslo\", \"zip\": \"0150\"}}, \"items\": [{\"sku\": \"A-100\", \"qty\": 2,"
      + " \"tags\": [\"red\", \"xl\"]}, {\"sku\": \"B-7\", \"qty\": 1, \"tags\": []}], \"note\": null}";
  static final int TOKENS = 93;

  private LogitsProcessor.Factory reply;
  private HarmonyEncoding harmony;
  private int[] reply0;
  private final float[] logits = new float[201088];
  private final Context context = new Context();

  @Setup
  public void setup() {
    harmony = HarmonyEncoding.gptOss();
    Tokenizer tokenizer = harmony.tokenizer();
    reply = ConstrainedReply.builder().reasoning(false).finalJson(JsonSchema.parse(SCHEMA)).build();
    int[] opening = ConstrainedReply.finalJsonOpening(tokenizer);
    int[] document = tokenizer.encodeOrdinary(DOCUMENT);
    if (document.length != TOKENS) {
      throw new IllegalStateException("the document is " + document.length + " tokens; set TOKENS to it");
    }
    reply0 = Arrays.copyOf(opening, opening.length + document.length);
    System.arraycopy(document, 0, reply0, opening.length, document.length);
    context.tokens = reply0;
    context.opening = opening.length;
    // Once untimed: builds the vocabulary's tables, and checks that the mask allows the document's every token.
    LogitsProcessor check = reply.create(harmony);
    for (int i = 0; i < TOKENS; i++) {
      Arrays.fill(logits, 0);
      check.process(context.at(i), logits);
      if (logits[document[i]] == Float.NEGATIVE_INFINITY) {
        throw new IllegalStateException("the mask refuses token " + i + " of the document");
      }
    }
  }

  /** The mask before each token of the document, in order, as one generation computes them. */
  @Benchmark
  @OperationsPerInvocation(TOKENS)
  public float[] maskPerToken() {
    LogitsProcessor processor = reply.create(harmony);
    for (int i = 0; i < TOKENS; i++) {
      processor.process(context.at(i), logits);
    }
    return logits;
  }

  /**
   * Thread CPU time of each position's mask, mean over {@code args[0]} (default 200) passes after as many
   * untimed ones: prints the mean over positions and the slowest position with the text before it; first,
   * how long the first processor of the JVM takes to make (the vocabulary's trie and tables).
   */
  public static void main(String[] args) {
    int passes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    HarmonyEncoding harmony = HarmonyEncoding.gptOss();
    long start = System.nanoTime();
    ConstrainedReply.builder().finalJson(JsonSchema.anyValue()).build().create(harmony); // builds the vocabulary
    System.out.printf("first constrained processor of the JVM: %.2f s (token trie and tables)%n", (System.nanoTime() - start) / 1e9);
    MaskBenchmark bench = new MaskBenchmark();
    bench.setup();
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long[] nanos = new long[TOKENS];
    for (int pass = 0; pass < 2 * passes; pass++) {
      LogitsProcessor processor = bench.reply.create(bench.harmony);
      for (int i = 0; i < TOKENS; i++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        processor.process(bench.context.at(i), bench.logits);
        if (pass >= passes) {
          nanos[i] += cpu.getCurrentThreadCpuTime() - t0;
        }
      }
    }
    int slowest = 0;
    for (int i = 0; i < TOKENS; i++) {
      slowest = nanos[i] > nanos[slowest] ? i : slowest;
    }
    int[] before = Arrays.copyOfRange(bench.reply0, bench.context.opening, bench.context.opening + slowest);
    System.out.printf("mask CPU time per token: mean %.1f us, slowest %.1f us (token %d, after '%s')%n",
        Arrays.stream(nanos).sum() / 1e3 / passes / TOKENS, nanos[slowest] / 1e3 / passes, slowest,
        bench.harmony.tokenizer().decode(before));
  }

  /** The reply so far: the opening and the first {@code generated} tokens of the document. */
  private static final class Context implements TokenContext {
    int[] tokens;
    int opening;
    int generated;

    Context at(int n) {
      generated = n;
      return this;
    }

    @Override
    public int vocabSize() {
      return 201088;
    }

    @Override
    public int generatedCount() {
      return generated;
    }

    @Override
    public int generated(int i) {
      return tokens[opening + i];
    }

    @Override
    public int replyLength() {
      return opening + generated;
    }

    @Override
    public int replyToken(int i) {
      return tokens[i];
    }

    @Override
    public int remainingTokens() {
      return 1000 - generated;
    }
  }
}
