package io.github.gptoss4j.bench.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread encode throughput of gptoss4j's o200k tokenizer and JTokkit's o200k_base on the same text,
 * in the same run. Inputs (resources next to this class): {@code prose} = the Apache-2.0 licence text
 * (11,358 bytes), {@code code} = Java sources of the tokenizer (30,030 bytes), {@code cjk} = Chinese,
 * Japanese and Korean prose (2,157 bytes). MB/s = ops/s × input bytes / 10⁶.
 *
 * <p>Run: {@code java -jar engine-bench/target/benchmarks.jar TokenizerBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenizerBenchmark {
  @Param({"prose", "code", "cjk"})
  public String input;

  private String text;
  private Tokenizer gptoss4j;
  private Encoding jtokkit;

  @Setup
  public void setup() throws IOException {
    try (InputStream in = TokenizerBenchmark.class.getResourceAsStream(input + ".txt")) {
      if (in == null) {
        throw new IllegalArgumentException("no benchmark input " + input + ".txt");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    gptoss4j = Tokenizer.o200kHarmony();
    jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    // Both must do the same work: identical ids, or the comparison means nothing.
    if (!Arrays.equals(gptoss4j.encodeOrdinary(text), jtokkit.encodeOrdinary(text).toArray())) {
      throw new IllegalStateException("gptoss4j and JTokkit disagree on " + input);
    }
    System.out.printf("%n%s: %d bytes%n", input, text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Benchmark
  public int[] gptoss4j() {
    return gptoss4j.encodeOrdinary(text);
  }

  @Benchmark
  public IntArrayList jtokkit() {
    return jtokkit.encodeOrdinary(text);
  }
}
