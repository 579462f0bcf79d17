package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An OpenAI-compatible HTTP server over one loaded model: Chat Completions ({@code POST /v1/chat/completions}),
 * the Responses API ({@code POST /v1/responses}), {@code GET /v1/models}, {@code GET /v1/models/{id}}, {@code GET
 * /health} and {@code GET /metrics} (Prometheus text format), plain and streamed (server-sent events).
 *
 * <pre>{@code
 * try (GptOss model = GptOss.load(dir);
 *     GptOssServer server = GptOssServer.builder().model(model).modelName("gpt-oss-20b").port(8080).build().start()) {
 *   ... // serves until closed
 * }
 * }</pre>
 *
 * <p>It listens on 127.0.0.1 unless told otherwise, answers only loopback {@code Host} names (plus any allowed),
 * refuses requests from web pages whose origin is not allowed, and can require an API key; docs/serve.md lists
 * every request field and docs/security.md what is defended. Each request is its own conversation. The server
 * is safe to use from any thread; {@link #close} ends running generations with an error their clients see.
 */
public final class GptOssServer implements AutoCloseable {
  private static final String ROUTES = "POST /v1/chat/completions, POST /v1/responses, GET /v1/models,"
      + " GET /v1/models/{id}, GET /health, GET /metrics";

  /** The model being served. */
  record Served(GptOss model, String name) {}

  private final ServerSettings settings;
  private final PrintWriter log;
  private final boolean verbose;
  private final HealthCheck health;
  private final Workers workers;
  private final Metrics metrics;
  private final Deadlines deadlines;
  /** What the served model's {@link GptOss#onGeneration} hook calls: one instance, so it can be removed. */
  private final Consumer<Done> counted;
  private volatile Served served;
  private WebServer web;

  private GptOssServer(Builder b) {
    this.settings = new ServerSettings(b.host, b.port, b.parallel, b.maxQueue, b.apiKey, b.corsOrigins,
        b.allowedHosts, b.requestTimeout, b.headerTimeout, b.bodyTimeout, b.idleTimeout, b.maxConnections,
        b.defaultMaxTokens, b.replyChannel);
    this.log = b.log;
    this.verbose = b.verbose;
    this.health = b.health;
    this.workers = new Workers(b.parallel, b.maxQueue);
    this.metrics = new Metrics(workers::queued, workers::running, () -> served == null ? null : served.model());
    this.counted = metrics::generation;
    this.deadlines = new Deadlines(b.headerTimeout);
    if (b.model != null) {
      use(new Served(b.model, b.modelName));
    }
  }

  /** Serves {@code next}: its generations are counted in {@code /metrics} from now on, the previous model's not. */
  private synchronized void use(Served next) {
    forget();
    next.model().onGeneration(counted);
    served = next;
  }

  /** Stops counting the served model's generations. */
  private synchronized void forget() {
    if (served != null) {
      served.model().removeGenerationListener(counted);
    }
  }

  /** A builder with the defaults: 127.0.0.1:8080, one generation at a time, 16 waiting, no API key. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts answering. Without a model yet (see {@link #serve}), every route answers 503 "the
   * model is loading", so a taken port fails before a long load.
   *
   * @return this server
   * @throws GptOssServerException if it was started already, or the address cannot be bound
   */
  public synchronized GptOssServer start() {
    if (web != null) {
      throw new GptOssServerException("the server is started already");
    }
    String where = "cannot listen on " + settings.host() + ":" + settings.port() + ": ";
    try {
      web = bind();
    } catch (RuntimeException e) {
      close();
      throw new GptOssServerException(where + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    if (!web.isRunning()) {
      // Helidon logs a listener that failed to bind and returns; say so instead of serving nothing
      close();
      throw new GptOssServerException(where + "the address is in use or cannot be bound");
    }
    return this;
  }

  private WebServer bind() {
    return WebServer.builder()
        .host(settings.host())
        .port(settings.port())
        .maxTcpConnections(settings.maxConnections())
        .idleConnectionTimeout(settings.idleTimeout())
        .idleConnectionPeriod(Duration.ofMillis(Math.max(100, Math.min(1000, settings.idleTimeout().toMillis() / 4))))
        // only this HTTP/1 configuration: a second, discovered one would make every new connection wait for
        // its first bytes to pick one, outside the idle timeout's reach
        .protocolsDiscoverServices(false)
        .addProtocol(Http1Config.builder().addReceiveListener(deadlines).build())
        .maxPayloadSize(ServerSettings.MAX_BODY_BYTES * 8L) // a backstop; Guard and Bodies answer 413 first
        .shutdownGracePeriod(Duration.ofMillis(500))
        .routing(this::routes)
        .build()
        .start();
  }

  /**
   * Serves {@code model} under {@code name} from now on (for a server started before its model was loaded).
   *
   * @param name the id {@code /v1/models} lists and answers carry
   */
  public void serve(GptOss model, String name) {
    use(new Served(Objects.requireNonNull(model, "model"), Objects.requireNonNull(name, "name")));
  }

  /** The port listened on (the one picked, when the builder said 0). */
  public int port() {
    return web.port();
  }

  /** The server's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public URI url() {
    String host = settings.host();
    try {
      InetAddress a = InetAddress.getByName(host);
      host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
    } catch (UnknownHostException e) {
      // keep the name as given
    }
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /**
   * Stops: new requests are refused (503), running generations are cancelled and end with an error event
   * (streams) or a 503 (whole answers), then the socket is closed. The model is not closed (it is the caller's).
   */
  @Override
  public synchronized void close() {
    workers.close();
    forget();
    if (web != null && web.isRunning()) {
      web.stop();
    }
    deadlines.close();
  }

  private void routes(HttpRouting.Builder r) {
    r.addFilter(new Guard(settings, (res, e) -> refuse(res, e, "guard")));
    route(r, "POST", "/v1/chat/completions",
        new GenerationRoute<>(this, "/v1/chat/completions", ChatCompletionRequest.class, ChatCompletionMapping::plan));
    route(r, "POST", "/v1/responses",
        new GenerationRoute<>(this, "/v1/responses", ResponsesRequest.class, ResponsesMapping::plan));
    route(r, "GET", "/v1/models", new ModelsHandler(this, false));
    route(r, "GET", "/v1/models/{id}", new ModelsHandler(this, true));
    route(r, "GET", "/health", new HealthHandler(this, health));
    route(r, "GET", "/metrics", (req, res) -> {
      res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      res.send(metrics.render());
    });
    r.any(endpoint("other", (req, res) -> {
      throw new ApiException(404, "invalid_request_error", null, "unknown_url", "no route "
          + req.prologue().method().text() + " " + req.path().path() + "; this server answers " + ROUTES);
    }));
  }

  /** The route for {@code method} and, for any other method on the path, a 405 naming the right one. */
  private void route(HttpRouting.Builder r, String method, String path, Handler handler) {
    Handler endpoint = endpoint(path, handler);
    if (method.equals("POST")) {
      r.post(path, endpoint);
    } else {
      r.get(path, endpoint);
    }
    r.any(path, endpoint(path, (req, res) -> {
      res.header(HeaderNames.ALLOW, method);
      throw new ApiException(405, "invalid_request_error", null, "method_not_allowed",
          req.path().path() + " takes " + method + ", not " + req.prologue().method().text());
    }));
  }

  /** Runs a handler: errors become OpenAI's error object, counted by route and status. */
  private Handler endpoint(String route, Handler handler) {
    return (req, res) -> {
      try {
        if (served == null && route.startsWith("/v1/")) {
          throw new ApiException(503, "server_error", null, "model_loading", "the model is loading; try again shortly");
        }
        handler.handle(req, res);
        metrics.request(route, res.status().code());
      } catch (ApiException e) {
        refuse(res, e, route);
      } catch (Workers.TooBusyException e) {
        res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        refuse(res, new ApiException(429, "requests", null, "rate_limit_exceeded", e.getMessage()), route);
      } catch (ClientGoneException e) {
        metrics.request(route, 499); // nginx's "client closed request"
        log("serve: " + req.prologue().method().text() + " " + route + ": client gone (" + e.getMessage() + ")");
      } catch (RuntimeException e) {
        log("serve: internal error on " + route + ": " + e);
        if (verbose) {
          synchronized (log) {
            e.printStackTrace(log);
            log.flush();
          }
        }
        refuse(res, new ApiException(500, "server_error", null, null, "internal server error; see the server's log"),
            route);
      }
    };
  }

  private void refuse(ServerResponse res, ApiException e, String route) {
    metrics.request(route, e.status());
    if (res.isSent()) {
      return; // a stream or a kept-alive answer: the error went into its body
    }
    try {
      Replies.json(res, e.status(), Replies.error(e));
    } catch (ClientGoneException | IllegalStateException gone) {
      log("serve: could not send a " + e.status() + " error: " + gone.getMessage());
    }
  }

  /** The model, or a 503 while it loads. */
  Served served() {
    Served s = served;
    if (s == null) {
      throw new ApiException(503, "server_error", null, "model_loading", "the model is loading; try again shortly");
    }
    return s;
  }

  /** The served model's name, or null while loading. */
  String servedName() {
    Served s = served;
    return s == null ? null : s.name();
  }

  ServerSettings settings() {
    return settings;
  }

  /** A request's body, read within the body deadline (past it, the connection is closed). */
  byte[] body(io.helidon.webserver.http.ServerRequest req) {
    return deadlines.within(settings.bodyTimeout(), () -> Bodies.read(req));
  }

  Workers workers() {
    return workers;
  }

  /** Runs one request's generation on the workers into its answer, then records it. */
  void generate(String route, Served served, GenerationRoute.Plan plan, ServerResponse res) {
    long start = System.nanoTime();
    Answer answer = plan.answer();
    workers.run(served.model(), session -> {
      Generations.run(session, plan.generation(), plan.stream(), answer, res);
      return null;
    });
    if (answer.finished()) {
      for (int i = 0; i < answer.choices(); i++) {
        finished(route, plan.stream(), answer.done(i), i, answer.choices(), start);
      }
    }
  }

  /**
   * Records a finished generation (one choice of {@code n}): a JFR event, a log line. Its figures reach {@code
   * /metrics} through the model's {@link GptOss#onGeneration} hook.
   */
  private void finished(String route, boolean streamed, Done done, int choice, int n, long startNanos) {
    Stats stats = done.stats();
    StopReason stop = done.stopReason();
    GenerationRecord record = new GenerationRecord();
    if (record.shouldCommit()) {
      record.route = route;
      record.streamed = streamed;
      record.promptTokens = stats.promptTokens();
      record.generatedTokens = stats.generatedTokens();
      record.ttftMillis = stats.timeToFirstTokenNanos() / 1e6;
      record.stopReason = stop.name();
      record.commit();
    }
    log(String.format(Locale.ROOT, "serve: %s%s%s: %d prompt + %d completion tokens, %s, %.2f s", route,
        streamed ? " (stream)" : "", n > 1 ? " choice " + choice + " of " + n : "", stats.promptTokens(),
        stats.generatedTokens(), stop.name().toLowerCase(Locale.ROOT), (System.nanoTime() - startNanos) / 1e9));
  }

  void log(String line) {
    synchronized (log) {
      log.println(line);
      log.flush();
    }
  }

  /**
   * What {@code GET /health} checks beyond the server itself, e.g. that the model's files are still readable.
   */
  @FunctionalInterface
  public interface HealthCheck {
    /** A problem that makes the model unusable (health answers 503 with it), or empty when all is well. */
    Optional<String> problem();
  }

  /** Options of a {@link GptOssServer}; each setter checks its value. */
  public static final class Builder {
    private GptOss model;
    private String modelName = "gpt-oss";
    private String host = "127.0.0.1";
    private int port = 8080;
    private int parallel = 1;
    private int maxQueue = 16;
    private String apiKey;
    private final List<String> corsOrigins = new ArrayList<>();
    private final List<String> allowedHosts = new ArrayList<>();
    private Duration requestTimeout;
    private Duration headerTimeout = Duration.ofSeconds(10);
    private Duration bodyTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxConnections = 512;
    private int defaultMaxTokens;
    private String replyChannel;
    private PrintWriter log = new PrintWriter(System.err, true);
    private boolean verbose;
    private HealthCheck health = Optional::empty;

    private Builder() {}

    /** The model to serve (or later, with {@link GptOssServer#serve}). */
    public Builder model(GptOss value) {
      model = Objects.requireNonNull(value, "model");
      return this;
    }

    /** The id clients see in {@code /v1/models} and in answers (default {@code gpt-oss}). */
    public Builder modelName(String value) {
      modelName = nonBlank(value, "modelName");
      return this;
    }

    /** The address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
    public Builder host(String value) {
      host = nonBlank(value, "host");
      return this;
    }

    /** The TCP port (default 8080; 0 picks a free one, see {@link GptOssServer#port}). */
    public Builder port(int value) {
      check(value >= 0 && value <= 65535, "port must be in [0, 65535], got " + value);
      port = value;
      return this;
    }

    /** Most generations at a time (default 1); each has its own KV cache. */
    public Builder parallel(int value) {
      check(value >= 1, "parallel must be at least 1, got " + value);
      parallel = value;
      return this;
    }

    /** Most requests waiting for a generation beyond those running (default 16); past it, 429. */
    public Builder maxQueue(int value) {
      check(value >= 0, "maxQueue must be at least 0, got " + value);
      maxQueue = value;
      return this;
    }

    /** A bearer token every request but {@code /health} must send ({@code Authorization: Bearer KEY}). */
    public Builder apiKey(String value) {
      apiKey = nonBlank(value, "apiKey");
      return this;
    }

    /** An origin (e.g. {@code http://localhost:3000}, or {@code *}) whose web pages may call the server. */
    public Builder corsOrigin(String value) {
      corsOrigins.add(nonBlank(value, "corsOrigin"));
      return this;
    }

    /**
     * A {@code Host} name accepted besides the loopback ones (e.g. the name a proxy forwards). Bound beyond
     * loopback and with none given, any name is accepted.
     */
    public Builder allowedHost(String value) {
      allowedHosts.add(Guard.hostName(nonBlank(value, "allowedHost")));
      return this;
    }

    /** Longest a generation may run; the answer is then cut ({@code length}). Default: no limit. */
    public Builder requestTimeout(Duration value) {
      requestTimeout = positive(value, "requestTimeout");
      return this;
    }

    /** Longest wait for a request's headers once its first line arrived (default 10 s; the connection is closed). */
    public Builder headerTimeout(Duration value) {
      headerTimeout = positive(value, "headerTimeout");
      return this;
    }

    /** Longest wait for a whole request body (default 30 s; 408 past it). */
    public Builder bodyTimeout(Duration value) {
      bodyTimeout = positive(value, "bodyTimeout");
      return this;
    }

    /** How long a connection with no request in progress stays open (default 30 s). */
    public Builder idleTimeout(Duration value) {
      idleTimeout = positive(value, "idleTimeout");
      return this;
    }

    /** Most connections open at once (default 512), to stay below the process's file limit. */
    public Builder maxConnections(int value) {
      check(value >= 1, "maxConnections must be at least 1, got " + value);
      maxConnections = value;
      return this;
    }

    /** Reply length for requests that give none (default 0: up to the context). */
    public Builder defaultMaxTokens(int value) {
      check(value >= 0, "defaultMaxTokens must be at least 0, got " + value);
      defaultMaxTokens = value;
      return this;
    }

    /**
     * Opens every reply on this Harmony channel (e.g. {@code final} for a model that writes no headers itself,
     * such as random weights). Default: the model chooses.
     */
    public Builder replyChannel(String value) {
      check(List.of("analysis", "commentary", "final").contains(value),
          "replyChannel must be analysis, commentary or final, got " + value);
      replyChannel = value;
      return this;
    }

    /** Where one line per generation and server errors go (default: standard error). */
    public Builder log(PrintWriter value) {
      log = Objects.requireNonNull(value, "log");
      return this;
    }

    /** Whether server errors are logged with their stack trace. */
    public Builder verbose(boolean value) {
      verbose = value;
      return this;
    }

    /** An extra check for {@code /health}, e.g. that the checkpoint's files are unchanged. */
    public Builder healthCheck(HealthCheck value) {
      health = Objects.requireNonNull(value, "healthCheck");
      return this;
    }

    /** The server, not yet listening (see {@link GptOssServer#start}). */
    public GptOssServer build() {
      return new GptOssServer(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new GptOssServerException(message);
      }
    }

    private static String nonBlank(String value, String name) {
      check(value != null && !value.isBlank(), name + " must not be blank");
      return value;
    }

    private static Duration positive(Duration value, String name) {
      check(value != null && value.isPositive(), name + " must be a positive duration, got " + value);
      return value;
    }
  }
}
