package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.server.Replies.EventStream;
import io.github.gptoss4j.server.Replies.KeepAlive;
import io.helidon.webserver.http.ServerResponse;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** Running a generation into an {@link Answer}, whole or streamed, the same way for both APIs. */
final class Generations {
  private Generations() {}

  /**
   * Generates {@code request} in {@code session} and sends {@code answer} to {@code res}: whole (kept alive
   * with spaces so a client leaving is noticed), or as server-sent events. A generation the server cancelled
   * (it is stopping) ends with an error, never with a finish its client would take for a complete answer.
   */
  static void run(ChatSession session, GenerationRequest request, boolean stream, Answer answer,
      ServerResponse res) {
    try (Stream<GenerationEvent> events = open(session, request)) {
      if (stream) {
        stream(events.iterator(), answer, new EventStream(res));
      } else {
        whole(events.iterator(), answer, new KeepAlive(res));
      }
    }
  }

  private static void whole(Iterator<GenerationEvent> events, Answer answer, KeepAlive keepAlive) {
    try {
      while (events.hasNext()) {
        answer.accept(events.next());
        keepAlive.tick();
      }
    } catch (GenerationException e) {
      ApiException failed = failed(e);
      keepAlive.finish(failed.status(), Replies.error(failed));
      return;
    }
    if (answer.stopReason() == StopReason.CANCELLED) {
      ApiException stopping = ApiException.shuttingDown();
      keepAlive.finish(stopping.status(), Replies.error(stopping));
      return;
    }
    keepAlive.finish(200, answer.whole());
  }

  private static void stream(Iterator<GenerationEvent> events, Answer answer, EventStream sse) {
    send(sse, answer.start());
    try {
      while (events.hasNext()) {
        send(sse, answer.accept(events.next()));
      }
    } catch (GenerationException e) {
      // the status is sent already: the error goes in the stream, as OpenAI's servers do
      send(sse, List.of(answer.error(failed(e))));
      sse.close();
      return;
    }
    // only the server cancels (a client leaving fails a write instead)
    send(sse, answer.stopReason() == StopReason.CANCELLED
        ? List.of(answer.error(ApiException.shuttingDown())) : answer.end());
    sse.close();
  }

  private static void send(EventStream sse, List<Answer.Event> events) {
    events.forEach(sse::send);
  }

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
