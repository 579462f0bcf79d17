package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GenerationRequest;
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
   * Generates the {@code answer.choices()} choices of {@code request} in {@code session} and sends {@code
   * answer} to {@code res}: whole (kept alive with spaces so a client leaving is noticed), or as server-sent
   * events. A generation the server cancelled (it is stopping) ends with an error, never with a finish its
   * client would take for a complete answer.
   */
  static void run(ChatSession session, GenerationRequest request, boolean stream, Answer answer,
      ServerResponse res) {
    Output out = new Output(answer, stream, res);
    int n = answer.choices();
    try {
      if (n == 1) {
        try (Stream<GenerationEvent> events = open(session, request)) {
          out.begin();
          for (Iterator<GenerationEvent> it = events.iterator(); it.hasNext(); ) {
            out.accept(0, it.next());
          }
        }
      } else {
        // the choices decode together, each reporting from its own thread
        session.generate(request, n, (event, choice) -> out.accept(choice, event));
      }
    } catch (GenerationException e) {
      if (!out.begun()) {
        // refused before any work, as open() tells for one choice: the request's fault
        throw ApiException.invalid("messages", e.getMessage());
      }
      out.fail(failed(e));
      return;
    }
    out.end();
  }

  /**
   * Where the events go: the answer, and the client's whole answer kept alive or its stream (begun at the first
   * event). Synchronized: the choices of {@code n > 1} report from their own threads.
   */
  private static final class Output {
    private final Answer answer;
    private final boolean stream;
    private final ServerResponse res;
    private EventStream sse;
    private KeepAlive keepAlive;

    Output(Answer answer, boolean stream, ServerResponse res) {
      this.answer = answer;
      this.stream = stream;
      this.res = res;
    }

    synchronized boolean begun() {
      return sse != null || keepAlive != null;
    }

    synchronized void begin() {
      if (begun()) {
        return;
      }
      if (stream) {
        sse = new EventStream(res);
        send(answer.start());
      } else {
        keepAlive = new KeepAlive(res);
      }
    }

    synchronized void accept(int choice, GenerationEvent event) {
      begin();
      List<Answer.Event> events = answer.accept(choice, event);
      if (stream) {
        send(events);
      } else {
        keepAlive.tick();
      }
    }

    /** Ends with an error: in the stream (its status is sent already, as OpenAI's servers do), or as the answer. */
    synchronized void fail(ApiException e) {
      begin();
      if (stream) {
        send(List.of(answer.error(e)));
        sse.close();
      } else {
        keepAlive.finish(e.status(), Replies.error(e));
      }
    }

    /** Ends once every choice is done; only the server cancels (a client leaving fails a write instead). */
    synchronized void end() {
      if (answer.cancelled()) {
        fail(ApiException.shuttingDown());
        return;
      }
      begin();
      if (stream) {
        send(answer.end());
        sse.close();
      } else {
        keepAlive.finish(200, answer.whole());
      }
    }

    private void send(List<Answer.Event> events) {
      events.forEach(sse::send);
    }
  }

  /** Starts generating; what the Generator refuses before any work (e.g. the context is too small) is a 400. */
  private static Stream<GenerationEvent> open(ChatSession session, GenerationRequest request) {
    try {
      return session.stream(request);
    } catch (GenerationException e) {
      throw ApiException.invalid("messages", e.getMessage());
    }
  }

  /** A generation that failed midway (e.g. non-finite logits): the model's fault, not the request's. */
  private static ApiException failed(GenerationException e) {
    return new ApiException(500, "server_error", null, "generation_failed", "the generation failed: " + e.getMessage());
  }
}
