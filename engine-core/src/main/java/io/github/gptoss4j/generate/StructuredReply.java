package io.github.gptoss4j.generate;

import io.github.gptoss4j.harmony.ToolDescription;
import io.github.gptoss4j.structured.ConstrainedReply;
import io.github.gptoss4j.structured.JsonSchema;
import io.github.gptoss4j.structured.SchemaException;
import java.util.List;

/** The {@link ConstrainedReply} a request's response format and tool choice ask for. */
final class StructuredReply {
  private StructuredReply() {}

  /**
   * The constraint, or null when the request sets neither a response format nor a tool choice.
   *
   * @throws GenerationException if the tool choice names an undeclared function or needs a function and none
   *     is declared, a function's parameters schema cannot be enforced, or the reply opening is commentary
   */
  static ConstrainedReply of(
      ResponseFormat format, ToolChoice choice, List<ToolDescription> functions, String replyChannel) {
    if (format == null && choice == null) {
      return null;
    }
    if ("commentary".equals(replyChannel)) {
      throw new GenerationException("replyChannel commentary cannot be combined with responseFormat or toolChoice;"
          + " use final, analysis or none");
    }
    ToolChoice tools = choice == null ? ToolChoice.none() : choice;
    boolean mustCall = tools instanceof ToolChoice.Required || tools instanceof ToolChoice.Function;
    if (mustCall && functions.isEmpty()) {
      throw new GenerationException("toolChoice " + describe(tools) + " needs a function tool; declare one with functionTool(...)");
    }
    if (mustCall && "final".equals(replyChannel)) {
      throw new GenerationException("toolChoice " + describe(tools) + " cannot be combined with replyChannel final, which opens an answer");
    }
    if (tools instanceof ToolChoice.Function f && functions.stream().noneMatch(t -> t.name().equals(f.name()))) {
      throw new GenerationException("toolChoice names function '" + f.name() + "', which is not declared; declared: "
          + String.join(", ", functions.stream().map(ToolDescription::name).toList()));
    }
    ConstrainedReply.Builder reply = ConstrainedReply.builder().reasoning(!"final".equals(replyChannel));
    if (!mustCall) {
      if (format != null) {
        reply.finalJson(format.schema());
      } else {
        reply.finalText();
      }
    }
    if (!(tools instanceof ToolChoice.None)) {
      for (ToolDescription function : functions) {
        if (!(tools instanceof ToolChoice.Function f) || f.name().equals(function.name())) {
          reply.function(function.name(), arguments(function));
        }
      }
    }
    return reply.build();
  }

  private static JsonSchema arguments(ToolDescription function) {
    try {
      // A function without parameters takes the empty object.
      return function.parameters() == null
          ? JsonSchema.parse("{\"type\": \"object\", \"additionalProperties\": false}")
          : JsonSchema.of(function.parameters());
    } catch (SchemaException e) {
      throw new SchemaException("parameters of function tool '" + function.name() + "': " + e.getMessage());
    }
  }

  private static String describe(ToolChoice choice) {
    return choice instanceof ToolChoice.Function f ? "function('" + f.name() + "')" : "required";
  }
}
