/**
 * The engine's hot loops behind one {@code Kernels} interface, scalar and Vector API. Internal to gptoss4j:
 * exported to the core module only. {@code jdk.incubator.vector} is optional; without it the scalar kernels
 * run, after one warning.
 */
module io.github.gptoss4j.kernels {
  requires transitive io.github.gptoss4j.base;
  requires static jdk.incubator.vector;

  exports io.github.gptoss4j.kernels to io.github.gptoss4j.core;
}
