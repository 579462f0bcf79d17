package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.GenerationRequest;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A route that answers with a generation, the part both APIs share: read the JSON body into the API's request
 * record, let the API map it to a {@link Plan}, run that on the server's workers.
 *
 * @param <B> the API's request body record
 */
final class GenerationRoute<B> implements Handler {
  /** What one API makes of its request body. */
  @FunctionalInterface
  interface Api<B> {
    /**
     * The plan for {@code body}, filled in from {@code settings}, answered by {@code served} (whose name the
     * answer carries when the request names no model); an {@link ApiException} 400 naming the field that
     * cannot be served.
     */
    Plan plan(B body, ServerSettings settings, GptOssServer.Served served);
  }

  /**
   * One request's work.
   *
   * @param generation what to generate
   * @param stream whether to answer with server-sent events
   * @param answer the API's answer, which knows how many choices to generate
   */
  record Plan(GenerationRequest generation, boolean stream, Answer answer) {}

  private final GptOssServer server;
  private final String route;
  private final Class<B> bodyType;
  private final Api<B> api;

  GenerationRoute(GptOssServer server, String route, Class<B> bodyType, Api<B> api) {
    this.server = server;
    this.route = route;
    this.bodyType = bodyType;
    this.api = api;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    GptOssServer.Served served = server.served();
    B body = JsonBody.read(server.body(req), bodyType);
    server.generate(route, served, api.plan(body, server.settings(), served), res);
  }
}
