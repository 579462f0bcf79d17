package io.github.gptoss4j.server;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * {@code GET /health}: {@code {"status": "ok"}}, answered even while every worker is generating; a 503 while the
 * model loads or when the {@link GptOssServer.HealthCheck} finds it unusable (e.g. a shard truncated under it).
 */
final class HealthHandler implements Handler {
  private final GptOssServer server;
  private final GptOssServer.HealthCheck check;

  HealthHandler(GptOssServer server, GptOssServer.HealthCheck check) {
    this.server = server;
    this.check = check;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    server.served();
    Optional<String> problem = check.problem();
    if (problem.isPresent()) {
      throw new ApiException(503, "server_error", null, "model_unreadable", "the model cannot be used: " + problem.get());
    }
    Replies.json(res, 200, JsonBody.JSON.createObjectNode().put("status", "ok"));
  }
}
