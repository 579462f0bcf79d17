package io.github.gptoss4j.generate;

import io.github.gptoss4j.harmony.Message;
import java.util.List;

/**
 * The outcome of a blocking {@link ChatSession#generate(GenerationRequest)}.
 *
 * @param finalText the answer ({@code final} channel), stop string cut off
 * @param reasoning the chain of thought ({@code analysis} channel)
 * @param toolCalls the tool calls the model made, in order (the last one is pending when {@link #stopReason()}
 *     is {@link StopReason#TOOL_CALL})
 * @param messages the assistant's messages as parsed (what the session added to its conversation)
 * @param tokens every generated token id, in order
 * @param stopReason why generation ended
 * @param stats measurements
 */
public record GenerationResult(
    String finalText,
    String reasoning,
    List<GenerationEvent.ToolCall> toolCalls,
    List<Message> messages,
    List<Integer> tokens,
    StopReason stopReason,
    Stats stats) {

  /** Copies the lists so the record stays immutable. */
  public GenerationResult {
    toolCalls = List.copyOf(toolCalls);
    messages = List.copyOf(messages);
    tokens = List.copyOf(tokens);
  }
}
