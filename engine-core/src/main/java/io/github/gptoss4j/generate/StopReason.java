package io.github.gptoss4j.generate;

/** Why a generation ended. */
public enum StopReason {
  /** The model ended its reply ({@code <|return|>}) or produced one of the request's stop token ids. */
  STOP_TOKEN,
  /** The final text reached one of the request's stop strings (which is cut from the output). */
  STOP_STRING,
  /** The request's {@code maxTokens} were generated. */
  LENGTH,
  /** {@link ChatSession#cancel()} was called. */
  CANCELLED,
  /** The request's timeout passed. */
  TIMEOUT,
  /** The model called a tool ({@code <|call|>}) that the application must run. */
  TOOL_CALL
}
