package io.github.gptoss4j.generate;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code gptoss4j.ModelLoad}: one {@link GptOss#load} that succeeded, from opening the checkpoint to
 * the model being ready (see docs/observability.md).
 */
@Name("gptoss4j.ModelLoad")
@Label("Model Load")
@Category("gptoss4j")
@Description("Opening, validating and binding a gpt-oss checkpoint")
@StackTrace(false)
final class JfrModelLoad extends Event {
  @Label("Directory")
  String directory;

  @Label("Precision")
  String precision;

  @Label("Vocabulary Size")
  int vocabSize;

  @Label("Context Limit")
  @Description("Tokens a session may hold: the model's, or less by maxContext or the KV budget")
  int contextLimit;

  @Label("Kernels")
  String kernels;

  @Label("Threads")
  int threads;
}
