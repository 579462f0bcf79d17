package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import java.util.stream.Stream;

/** Starting a generation, and the errors of one that cannot go on, shared by both APIs. */
final class Generations {
  private Generations() {}

  /** Starts generating; what the Generator refuses before any work (e.g. the context is too small) is a 400. */
  static Stream<GenerationEvent> open(ChatSession session, GenerationRequest request) {
    try {
      return session.stream(request);
    } catch (GenerationException e) {
      throw ApiException.invalid("messages", e.getMessage());
    }
  }

  /** A generation that failed midway (e.g. non-finite logits): the model's fault, not the request's. */
  static ApiException failed(GenerationException e) {
    return new ApiException(500, "server_error", null, "generation_failed", "the generation failed: " + e.getMessage());
  }
}
