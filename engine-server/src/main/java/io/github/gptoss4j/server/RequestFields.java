package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.harmony.ReasoningEffort;
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
