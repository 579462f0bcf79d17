package io.github.gptoss4j.spark;

import io.github.gptoss4j.generate.GenerationResult;
import io.github.gptoss4j.generate.StopReason;
import java.util.Locale;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What one row gets: the answer and its measurements, or the error that kept it from being answered (then
 * every other field is null).
 *
 * @param answer the final answer text
 * @param reasoning the chain of thought (analysis channel)
 * @param finishReason {@code stop} (the answer ended), {@code length} (maxTokens reached), or, rarely, the
 *     library's other stop reasons in lower case
 * @param promptTokens tokens in the rendered prompt
 * @param completionTokens tokens generated, the stop token included
 * @param error why the row has no answer
 */
record Answer(
    String answer,
    String reasoning,
    String finishReason,
    Integer promptTokens,
    Integer completionTokens,
    String error) {

  /** The columns, in the order of the record's fields. */
  static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("answer", DataTypes.StringType, true),
            DataTypes.createStructField("reasoning", DataTypes.StringType, true),
            DataTypes.createStructField("finish_reason", DataTypes.StringType, true),
            DataTypes.createStructField("prompt_tokens", DataTypes.IntegerType, true),
            DataTypes.createStructField("completion_tokens", DataTypes.IntegerType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true)
          });

  static Answer of(GenerationResult result) {
    return new Answer(
        result.finalText(),
        result.reasoning(),
        finishReason(result.stopReason()),
        result.stats().promptTokens(),
        result.stats().generatedTokens(),
        null);
  }

  static Answer failed(String error) {
    return new Answer(null, null, null, null, null, error);
  }

  /** The column values, in {@link #SCHEMA}'s order. */
  Object[] values() {
    return new Object[] {answer, reasoning, finishReason, promptTokens, completionTokens, error};
  }

  /** OpenAI's names where they exist, as batch users compare against OpenAI's batch API. */
  private static String finishReason(StopReason reason) {
    return switch (reason) {
      case STOP_TOKEN, STOP_STRING -> "stop";
      case LENGTH -> "length";
      case TOOL_CALL -> "tool_calls";
      case CANCELLED, TIMEOUT -> reason.name().toLowerCase(Locale.ROOT);
    };
  }
}
