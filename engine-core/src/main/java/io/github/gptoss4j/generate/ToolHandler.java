package io.github.gptoss4j.generate;

/**
 * Runs a built-in tool call ({@code browser.*} or {@code python}) for the application; see {@link
 * GenerationRequest.Builder#browser} and {@link GenerationRequest.Builder#python}.
 */
@FunctionalInterface
public interface ToolHandler {
  /**
   * The tool's output for {@code call}, given back to the model as the tool's message.
   *
   * @return the output text (often JSON) given to the model; not null
   * @param call the model's call: recipient (e.g. {@code browser.search}) and arguments
   */
  String run(GenerationEvent.ToolCall call);
}
