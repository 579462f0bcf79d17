package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.ResponseFormat;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.ToolChoice;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.util.List;
import java.util.function.Consumer;

/** Checks shared by both APIs' request mappings; every error names the field's JSON path. */
final class RequestFields {
  private RequestFields() {}

  /** Runs a Generator builder call, turning its error into a 400 naming {@code param}. */
  static void apply(String param, Runnable set) {
    try {
      set.run();
    } catch (GenerationException e) {
      String message = e.getMessage();
      throw ApiException.invalid(param, message.startsWith(param) ? message : param + ": " + message);
    }
  }

  /** Sets one sampling option if given, and checks it at once so the error names that field. */
  static <T> void sampling(SamplingOptions.Builder sampling, String param, T value, Consumer<T> set) {
    if (value != null) {
      apply(param, () -> {
        set.accept(value);
        sampling.build();
      });
    }
  }

  /** {@code low}, {@code medium} or {@code high}; null when not given. */
  static ReasoningEffort effort(String value, String param) {
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "low" -> ReasoningEffort.LOW;
      case "medium" -> ReasoningEffort.MEDIUM;
      case "high" -> ReasoningEffort.HIGH;
      default -> throw ApiException.invalid(param, param + " must be low, medium or high, got '" + value + "'");
    };
  }

  /** Adds a function tool, checking its name and schema. */
  static void functionTool(GenerationRequest.Builder request, String where, String name, String description,
      JsonNode parameters) {
    required(name, where + ".name");
    if (JsonBody.given(parameters) && !parameters.isObject()) {
      throw ApiException.invalid(where + ".parameters", where + ".parameters must be a JSON schema object");
    }
    apply(where, () -> request.functionTool(
        name, description == null ? "" : description, JsonBody.given(parameters) ? parameters.toString() : null));
  }

  /** The server's defaults for what a request leaves out. */
  static void defaults(GenerationRequest.Builder request, Integer maxTokens, String maxTokensParam,
      ServerSettings settings) {
    if (maxTokens != null) {
      apply(maxTokensParam, () -> request.maxTokens(maxTokens));
    } else if (settings.defaultMaxTokens() > 0) {
      request.maxTokens(settings.defaultMaxTokens());
    }
    if (settings.replyChannel() != null) {
      request.replyChannel(settings.replyChannel());
    }
    if (settings.requestTimeout() != null) {
      request.timeout(settings.requestTimeout());
    }
  }

  /** Text content: a string, or an array of text parts whose {@code type} is one of {@code partTypes}. */
  static String text(JsonNode content, String where, String... partTypes) {
    if (!JsonBody.given(content)) {
      return null;
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      throw ApiException.invalid(where, where + " must be a string or an array of text parts");
    }
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < content.size(); k++) {
      String at = where + "[" + k + "]";
      JsonNode part = content.get(k);
      String type = part.path("type").asText();
      boolean known = false;
      for (String t : partTypes) {
        known |= t.equals(type);
      }
      if (!known || !part.path("text").isTextual()) {
        throw ApiException.invalid(at, at + " must be {\"type\": \"" + String.join("\" or \"", partTypes)
            + "\", \"text\": ...}; only text is supported");
      }
      text.append(part.get("text").asText());
    }
    return text.toString();
  }

  /**
   * A response format: {@code {"type": "text"}} (none), {@code json_object}, or {@code json_schema} with its
   * {@code name}, {@code description} and {@code schema} inside {@code schemaField} (Chat Completions nests
   * them in {@code json_schema}; the Responses API puts them beside {@code type}: {@code schemaField} null).
   */
  static ResponseFormat responseFormat(JsonNode format, String where, String schemaField) {
    if (!JsonBody.given(format)) {
      return null;
    }
    if (!format.isObject()) {
      throw ApiException.invalid(where, where + " must be an object {\"type\": ...}");
    }
    String type = format.path("type").asText();
    switch (type) {
      case "text" -> {
        return null;
      }
      case "json_object" -> {
        return ResponseFormat.json();
      }
      case "json_schema" -> {
        String at = schemaField == null ? where : where + "." + schemaField;
        JsonNode spec = schemaField == null ? format : format.path(schemaField);
        if (!spec.isObject() || !spec.path("schema").isObject()) {
          throw ApiException.invalid(at + ".schema", at + ".schema must be a JSON schema object");
        }
        String name = spec.path("name").isTextual() ? spec.get("name").asText() : "response";
        try {
          ResponseFormat f = ResponseFormat.jsonSchema(name, spec.get("schema").toString());
          return spec.path("description").isTextual() ? f.withDescription(spec.get("description").asText()) : f;
        } catch (GenerationException e) {
          throw ApiException.invalid(at + ".schema", at + ".schema: " + e.getMessage());
        }
      }
      default -> throw ApiException.invalid(where + ".type",
          where + ".type must be text, json_object or json_schema, got '" + type + "'");
    }
  }

  /**
   * A tool choice: {@code auto} and {@code none} are null (the caller offers the tools or not), {@code required}
   * or a named function a {@link ToolChoice} that constrains the reply. {@code name} reads a named choice's
   * function name (its place differs between the APIs); it must be one of {@code declared}.
   */
  static ToolChoice toolChoice(JsonNode choice, java.util.function.Function<JsonNode, JsonNode> name,
      String nameParam, java.util.Set<String> declared) {
    if (!JsonBody.given(choice) || choice.isTextual() && List.of("auto", "none").contains(choice.asText())) {
      return null;
    }
    if (choice.isTextual() && choice.asText().equals("required")) {
      if (declared.isEmpty()) {
        throw ApiException.invalid("tool_choice", "tool_choice 'required' needs at least one function in tools");
      }
      return ToolChoice.required();
    }
    JsonNode function = choice.isObject() && "function".equals(choice.path("type").asText()) ? name.apply(choice) : null;
    if (function == null || !function.isTextual()) {
      throw ApiException.invalid("tool_choice",
          "tool_choice must be 'auto', 'none', 'required' or a function {\"type\": \"function\", ...}, got " + choice);
    }
    if (!declared.contains(function.asText())) {
      throw ApiException.invalid(nameParam, nameParam + " '" + function.asText() + "' is not a function in tools");
    }
    return ToolChoice.function(function.asText());
  }

  /** {@code value}, or a 400 saying {@code param} is required. */
  static <T> T required(T value, String param) {
    if (value == null) {
      throw ApiException.invalid(param, param + " is required");
    }
    return value;
  }

  /** Refuses a field that is given but cannot be honoured. */
  static void refuse(Object value, String param, String why) {
    if (value instanceof JsonNode node ? JsonBody.given(node) : value != null) {
      throw ApiException.unsupported(param, why);
    }
  }
}
