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

/**
 * {@code POST /v1/chat/completions}: a {@code chat.completion} object, or with {@code "stream": true} its
 * chunks as server-sent events ending in {@code data: [DONE]}.
 */
final class ChatCompletionsHandler implements Handler {
  static final String ROUTE = "/v1/chat/completions";
  private final GptOssServer server;

  ChatCompletionsHandler(GptOssServer server) {
    this.server = server;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    GptOssServer.Served served = server.served();
    ServerSettings settings = server.settings();
    ChatCompletionRequest body = JsonBody.read(server.body(req), ChatCompletionRequest.class);
    ChatCompletionMapping request = ChatCompletionMapping.of(body, settings);
    ChatReply reply = new ChatReply(request.model() == null ? served.name() : request.model(),
        request.logprobs() ? new TokenLogprobsJson(served.model().harmony().tokenizer()) : null);
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

  private static void whole(ChatSession session, ChatCompletionMapping request, ChatReply reply, ServerResponse res) {
    KeepAlive keepAlive = new KeepAlive(res);
    try (Stream<GenerationEvent> events = Generations.open(session, request.generation())) {
      try {
        for (Iterator<GenerationEvent> it = events.iterator(); it.hasNext(); ) {
          reply.accept(it.next());
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

  /** A role chunk, one chunk per delta or tool call, the finish chunk, usage when asked, {@code [DONE]}. */
  private static void stream(ChatSession session, ChatCompletionMapping request, ChatReply reply,
      ServerResponse res) {
    try (Stream<GenerationEvent> events = Generations.open(session, request.generation())) {
      EventStream sse = new EventStream(res);
      sse.data(reply.roleChunk());
      try {
        for (Iterator<GenerationEvent> it = events.iterator(); it.hasNext(); ) {
          GenerationEvent event = it.next();
          ObjectNode chunk = reply.accept(event);
          if (event instanceof GenerationEvent.Done d && d.stopReason() == StopReason.CANCELLED) {
            // only the server cancels: a finish_reason here could not be told from a finished answer
            sse.data(Replies.error(ApiException.shuttingDown()));
            sse.close();
            return;
          }
          if (chunk != null) {
            sse.data(chunk);
          }
        }
      } catch (GenerationException e) {
        // the status is sent already: the error goes in the stream, as OpenAI's servers do
        sse.data(Replies.error(Generations.failed(e)));
        sse.close();
        return;
      }
      if (request.includeUsage()) {
        sse.data(reply.usageChunk());
      }
      sse.done();
      sse.close();
    }
  }
}
