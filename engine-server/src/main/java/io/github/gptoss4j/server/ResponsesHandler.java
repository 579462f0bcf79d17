package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.server.Replies.EventStream;
import io.github.gptoss4j.server.Replies.KeepAlive;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Iterator;
import java.util.stream.Stream;

/** {@code POST /v1/responses}: a {@code response} object, or with {@code "stream": true} its event stream. */
final class ResponsesHandler implements Handler {
  static final String ROUTE = "/v1/responses";
  private final GptOssServer server;

  ResponsesHandler(GptOssServer server) {
    this.server = server;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    GptOssServer.Served served = server.served();
    ServerSettings settings = server.settings();
    ResponsesRequest body = JsonBody.read(server.body(req), ResponsesRequest.class);
    ResponsesMapping request = ResponsesMapping.of(body, settings);
    ResponsesReply reply = new ResponsesReply(body.model() == null ? served.name() : body.model(), request);
    long start = System.nanoTime();
    server.workers().run(served.model(), session -> {
      if (request.stream()) {
        stream(session, request, reply, res);
      } else {
        whole(session, request, reply, res);
      }
      return null;
    });
    if (reply.finished()) {
      server.finished(ROUTE, request.stream(), reply.stats(), reply.stopReason(), start);
    }
  }

  private static void whole(ChatSession session, ResponsesMapping request, ResponsesReply reply, ServerResponse res) {
    KeepAlive keepAlive = new KeepAlive(res);
    try (Stream<GenerationEvent> events = Generations.open(session, request.generation())) {
      try {
        for (Iterator<GenerationEvent> it = events.iterator(); it.hasNext(); ) {
          reply.accept(it.next());
          reply.drain();
          keepAlive.tick();
        }
      } catch (GenerationException e) {
        ApiException failed = Generations.failed(e);
        keepAlive.finish(failed.status(), Replies.error(failed));
        return;
      }
      if (reply.stopReason() == StopReason.CANCELLED) {
        ApiException stopping = ApiException.shuttingDown();
        keepAlive.finish(stopping.status(), Replies.error(stopping));
        return;
      }
      keepAlive.finish(200, reply.response());
    }
  }

  private static void stream(ChatSession session, ResponsesMapping request, ResponsesReply reply,
      ServerResponse res) {
    try (Stream<GenerationEvent> events = Generations.open(session, request.generation())) {
      EventStream sse = new EventStream(res);
      reply.start();
      send(sse, reply);
      try {
        for (Iterator<GenerationEvent> it = events.iterator(); it.hasNext(); ) {
          GenerationEvent event = it.next();
          reply.accept(event);
          send(sse, reply);
          if (event instanceof GenerationEvent.Done d && d.stopReason() == StopReason.CANCELLED) {
            sse.event("error", reply.errorEvent(ApiException.shuttingDown()));
            sse.close();
            return;
          }
        }
      } catch (GenerationException e) {
        sse.event("error", reply.errorEvent(Generations.failed(e)));
        sse.close();
        return;
      }
      reply.finish();
      send(sse, reply);
      sse.close();
    }
  }

  private static void send(EventStream sse, ResponsesReply reply) {
    for (ObjectNode event : reply.drain()) {
      sse.event(event.get("type").asText(), event);
    }
  }
}
