package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code gptoss.jar} is this module's runtime classpath: the benchmark harness and its comparisons stay out. */
class PackagingTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "org.openjdk.jmh.annotations.Benchmark",
      "com.knuddels.jtokkit.Encodings",
      "org.apache.commons.math3.stat.descriptive.DescriptiveStatistics",
      "io.github.gptoss4j.bench.kernels.MatvecBench"})
  void benchmarkOnlyClassesAreNotOnTheCliClasspath(String className) {
    assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
  }
}
