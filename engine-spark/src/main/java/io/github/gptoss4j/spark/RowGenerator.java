package io.github.gptoss4j.spark;

import io.github.gptoss4j.CheckpointException;
import io.github.gptoss4j.GptOssException;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GptOss;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskInterruptListener;

/**
 * Answers the rows of one Spark task on this executor's shared model; thread-safe, so a task may answer
 * several rows at once (see {@link AnsweredRows}).
 *
 * <p>Every row gets a fresh session: reusing one would reuse the KV cache of the previous row's prompt
 * prefix, which moves prefill block boundaries and so changes logits in the last float bits, and a row's
 * answer must not depend on its neighbours. When Spark kills the task, the rows being generated are cancelled
 * within a token and the task ends with Spark's kill exception, so no cut-short answer is emitted.
 */
final class RowGenerator {
  private final SparkGenerationOptions options;
  private final TaskContext task;
  private final Set<ChatSession> running = ConcurrentHashMap.newKeySet();

  /** A generator for {@code task}, or for no task (null: called outside Spark). */
  RowGenerator(SparkGenerationOptions options, TaskContext task) {
    this.options = options;
    this.task = task;
    if (task != null) {
      task.addTaskInterruptListener((TaskInterruptListener) (context, reason) -> cancelAll());
    }
  }

  /** Whether this generator belongs to {@code task}. */
  boolean serves(TaskContext task) {
    return this.task == task;
  }

  /**
   * The answer to {@code prompt}, or an {@link Answer#failed} row naming why there is none (a null prompt, a
   * prompt longer than the context, ...).
   *
   * @throws CheckpointException if the model cannot be loaded (or a {@link GenerationException} if its tokenizer
   *     does not fit it): a task failure, not a row's error, as no row of this executor could be answered
   * @throws org.apache.spark.TaskKilledException if Spark killed the task
   */
  Answer answer(String prompt) {
    if (prompt == null) {
      return Answer.failed("the prompt is null; expected a string");
    }
    GptOss model = ExecutorModels.model(options);
    ChatSession session = model.newSession();
    running.add(session);
    try {
      killIfInterrupted();
      Answer answer = Answer.of(session.generate(options.request(prompt)));
      killIfInterrupted();
      return answer;
    } catch (GptOssException e) {
      return Answer.failed(e.getMessage());
    } finally {
      running.remove(session);
      session.close();
    }
  }

  /** Cancels the rows being generated: each ends within a token. */
  void cancelAll() {
    running.forEach(ChatSession::cancel);
  }

  private void killIfInterrupted() {
    if (task != null) {
      task.killTaskIfInterrupted();
    }
  }
}
