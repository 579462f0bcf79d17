package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingOptionsTest {

  @Test
  void defaultsAreGptOssPlainSamplingWithEverythingOff() {
    SamplingOptions o = SamplingOptions.builder().build();
    assertAll(
        () -> assertEquals(1.0, o.temperature()),
        () -> assertEquals(0, o.topK()),
        () -> assertEquals(1.0, o.topP()),
        () -> assertEquals(0.0, o.minP()),
        () -> assertEquals(1.0, o.repetitionPenalty()),
        () -> assertEquals(0.0, o.presencePenalty()),
        () -> assertEquals(0.0, o.frequencyPenalty()),
        () -> assertEquals(64, o.penaltyWindow()),
        () -> assertEquals(OptionalLong.empty(), o.seed()),
        () -> assertEquals(0, o.logprobs()));
  }

  @Test
  void greedyHasTemperatureZero() {
    assertEquals(0.0, SamplingOptions.greedy().temperature());
  }

  @Test
  void builderKeepsEveryValueAndToBuilderRoundTrips() {
    SamplingOptions o =
        SamplingOptions.builder()
            .temperature(0.7)
            .topK(40)
            .topP(0.9)
            .minP(0.05)
            .repetitionPenalty(1.1)
            .presencePenalty(-0.5)
            .frequencyPenalty(0.25)
            .penaltyWindow(256)
            .seed(42)
            .logprobs(5)
            .build();
    assertEquals(
        new SamplingOptions(0.7, 40, 0.9, 0.05, 1.1, -0.5, 0.25, 256, OptionalLong.of(42), 5), o);
    assertEquals(o, o.toBuilder().build());
    assertEquals(OptionalLong.empty(), o.toBuilder().randomSeed().build().seed());
  }

  @Test
  void boundaryValuesAreAccepted() {
    assertDoesNotThrow(
        () ->
            SamplingOptions.builder()
                .temperature(0)
                .topK(0)
                .topP(1)
                .minP(0)
                .presencePenalty(2)
                .frequencyPenalty(-2)
                .penaltyWindow(1)
                .logprobs(20)
                .build());
    assertDoesNotThrow(
        () ->
            SamplingOptions.builder()
                .topP(Double.MIN_VALUE)
                .minP(0.999)
                .presencePenalty(-2)
                .frequencyPenalty(2)
                .penaltyWindow(SamplingOptions.MAX_PENALTY_WINDOW)
                .build());
  }

  @Test
  void messageNamesOptionRangeAndValue() {
    GenerationException e =
        assertThrows(GenerationException.class, () -> SamplingOptions.builder().topP(1.5).build());
    assertEquals("top_p must be in (0, 1], got 1.5", e.getMessage());
  }

  static Stream<Arguments> invalidOptions() {
    return Stream.of(
        invalid("temperature", b -> b.temperature(-0.1)),
        invalid("temperature", b -> b.temperature(Double.NaN)),
        invalid("temperature", b -> b.temperature(Double.POSITIVE_INFINITY)),
        invalid("top_k", b -> b.topK(-1)),
        invalid("top_p", b -> b.topP(0)),
        invalid("top_p", b -> b.topP(1.0000001)),
        invalid("top_p", b -> b.topP(Double.NaN)),
        invalid("min_p", b -> b.minP(-0.01)),
        invalid("min_p", b -> b.minP(1)),
        invalid("min_p", b -> b.minP(Double.NaN)),
        invalid("repetition_penalty", b -> b.repetitionPenalty(0)),
        invalid("repetition_penalty", b -> b.repetitionPenalty(-1.1)),
        invalid("repetition_penalty", b -> b.repetitionPenalty(Double.NaN)),
        invalid("repetition_penalty", b -> b.repetitionPenalty(Double.POSITIVE_INFINITY)),
        invalid("presence_penalty", b -> b.presencePenalty(2.5)),
        invalid("presence_penalty", b -> b.presencePenalty(-2.01)),
        invalid("presence_penalty", b -> b.presencePenalty(Double.NaN)),
        invalid("frequency_penalty", b -> b.frequencyPenalty(2.01)),
        invalid("frequency_penalty", b -> b.frequencyPenalty(-3)),
        invalid("frequency_penalty", b -> b.frequencyPenalty(Double.NaN)),
        invalid("penalty_window", b -> b.penaltyWindow(0)),
        invalid("penalty_window", b -> b.penaltyWindow(SamplingOptions.MAX_PENALTY_WINDOW + 1)),
        invalid("logprobs", b -> b.logprobs(-1)),
        invalid("logprobs", b -> b.logprobs(21)));
  }

  private static Arguments invalid(String option, UnaryOperator<SamplingOptions.Builder> change) {
    return Arguments.of(option, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidOptions")
  void everyInvalidOptionIsRejectedByName(String option, UnaryOperator<SamplingOptions.Builder> change) {
    GenerationException e =
        assertThrows(GenerationException.class, () -> change.apply(SamplingOptions.builder()).build());
    assertTrue(e.getMessage().startsWith(option + " must be "), e.getMessage());
  }

  @Test
  void nullSeedIsRejected() {
    GenerationException e =
        assertThrows(
            GenerationException.class, () -> new SamplingOptions(1, 0, 1, 0, 1, 0, 0, 64, null, 0));
    assertTrue(e.getMessage().startsWith("seed "), e.getMessage());
  }
}
