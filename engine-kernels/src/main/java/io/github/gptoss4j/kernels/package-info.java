/**
 * The engine's numeric kernels: every per-token hot loop behind one {@link io.github.gptoss4j.kernels.Kernels}
 * interface.
 *
 * <p>Internal to gptoss4j: the module exports this package to {@code io.github.gptoss4j.core} only, and its
 * API may change in any release. {@link io.github.gptoss4j.kernels.KernelProvider} picks the implementation at
 * start-up: the Vector-API kernels when {@code jdk.incubator.vector} is present, otherwise the scalar reference
 * after one warning. Weights are read in place from memory segments (usually a memory-mapped checkpoint)
 * through the {@link io.github.gptoss4j.kernels.WeightMatrix} records: f32, bf16, MXFP4 and the 8-bit
 * {@link io.github.gptoss4j.kernels.Q8Matrix}; {@link io.github.gptoss4j.kernels.Rope} is the YaRN rotary
 * embedding. Bad arguments raise {@link io.github.gptoss4j.kernels.KernelException}, a
 * {@link io.github.gptoss4j.GptOssException}.
 */
package io.github.gptoss4j.kernels;
