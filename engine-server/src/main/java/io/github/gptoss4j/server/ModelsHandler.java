package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/models} (a list of the one model) and {@code GET /v1/models/{id}} (it, or a 404). */
final class ModelsHandler implements Handler {
  private final GptOssServer server;
  private final boolean one;

  /** @param one whether this answers {@code /v1/models/{id}} */
  ModelsHandler(GptOssServer server, boolean one) {
    this.server = server;
    this.one = one;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    String name = server.served().name();
    if (!one) {
      ObjectNode models = JsonBody.JSON.createObjectNode().put("object", "list");
      models.putArray("data").add(model(name));
      Replies.json(res, 200, models);
      return;
    }
    String id = req.path().pathParameters().get("id");
    if (!id.equals(name)) {
      throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
          "the model '" + id + "' does not exist; this server serves '" + name + "'");
    }
    Replies.json(res, 200, model(name));
  }

  private static ObjectNode model(String name) {
    return JsonBody.JSON.createObjectNode()
        .put("id", name).put("object", "model").put("created", 0).put("owned_by", "gptoss4j");
  }
}
