package io.github.gptoss4j.server;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/chat/completions}: a {@code chat.completion} object, or with {@code "stream": true} its
 * chunks as server-sent events ending in {@code data: [DONE]}.
 */
final class ChatCompletionsHandler implements Handler {
  private static final String ROUTE = "/v1/chat/completions";
  private final GptOssServer server;

  ChatCompletionsHandler(GptOssServer server) {
    this.server = server;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    GptOssServer.Served served = server.served();
    ChatCompletionRequest body = JsonBody.read(server.body(req), ChatCompletionRequest.class);
    ChatCompletionMapping request = ChatCompletionMapping.of(body, server.settings());
    ChatReply reply = new ChatReply(request.model() == null ? served.name() : request.model(),
        request.logprobs() ? new TokenLogprobsJson(served.model().harmony().tokenizer()) : null,
        request.includeUsage());
    server.generate(ROUTE, served, request.generation(), request.stream(), reply, res);
  }
}
