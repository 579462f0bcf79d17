package io.github.gptoss4j.server;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/responses}: a {@code response} object, or with {@code "stream": true} its event stream. */
final class ResponsesHandler implements Handler {
  private static final String ROUTE = "/v1/responses";
  private final GptOssServer server;

  ResponsesHandler(GptOssServer server) {
    this.server = server;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    GptOssServer.Served served = server.served();
    ResponsesRequest body = JsonBody.read(server.body(req), ResponsesRequest.class);
    ResponsesMapping request = ResponsesMapping.of(body, server.settings());
    ResponsesReply reply = new ResponsesReply(body.model() == null ? served.name() : body.model(), request);
    server.generate(ROUTE, served, request.generation(), request.stream(), reply, res);
  }
}
