package io.github.gptoss4j.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.GptOss;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The HTTP side of {@code gptoss serve}: OpenAI's {@code POST /v1/chat/completions} (plain and streamed),
 * {@code GET /v1/models} and {@code GET /health} over one shared model.
 *
 * <p>Requests are read on virtual threads, so health checks and errors are answered while the model is busy;
 * generations run on a fixed pool of {@code parallel} platform threads (queued beyond that), each in a new
 * {@link ChatSession}: requests are independent conversations. A streaming client that goes away makes the next
 * write fail, which closes the event stream and so cancels its generation.
 */
final class ServeServer implements AutoCloseable {
  /** Largest request body accepted (413 above). */
  static final int MAX_BODY_BYTES = 8 << 20;

  /** Most of an oversized body read and dropped before the 413 goes out (beyond it the connection is reset). */
  private static final long MAX_DISCARD_BYTES = 64L << 20;

  private static final String ROUTES = "POST /v1/chat/completions, GET /v1/models, GET /health";
  private static final String JSON_TYPE = "application/json";

  /** The model being served, set once it is loaded. */
  private record Served(GptOss model, String name, boolean demo) {}

  private final HttpServer http;
  private final PrintWriter log;
  private final boolean verbose;
  private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
  private final ExecutorService generations;
  private final Set<ChatSession> active = ConcurrentHashMap.newKeySet();
  private volatile Served served;
  private volatile boolean closing;

  private ServeServer(HttpServer http, int parallel, PrintWriter log, boolean verbose) {
    this.http = http;
    this.log = log;
    this.verbose = verbose;
    AtomicInteger n = new AtomicInteger();
    this.generations = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "serve-generation-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Binds {@code address} (port 0: any free port) and starts answering, before the model is loaded: a taken
   * port fails at once, and until {@link #serve} every route answers 503 (health checks see "loading").
   *
   * @param parallel most generations at a time
   * @param log where one line per completion and server errors go
   * @param verbose whether server errors are logged with their stack trace
   * @throws IOException if the address cannot be bound
   */
  static ServeServer bind(InetSocketAddress address, int parallel, PrintWriter log, boolean verbose)
      throws IOException {
    HttpServer http = HttpServer.create(address, 0);
    ServeServer server = new ServeServer(http, parallel, log, verbose);
    http.createContext("/", server::handle);
    http.setExecutor(server.requests);
    http.start();
    return server;
  }

  /**
   * Serves {@code model} from now on.
   *
   * @param name the id {@code /v1/models} lists and answers carry
   * @param demo whether the model is the demo (see {@link ServeRequest#parse})
   */
  void serve(GptOss model, String name, boolean demo) {
    served = new Served(model, name, demo);
  }

  /** The server's base URL, e.g. {@code http://127.0.0.1:8080}. */
  URI url() {
    InetSocketAddress a = http.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  /**
   * Stops: new completions are refused, running ones cancelled (each ends within a token), the socket closed,
   * and waits for the generations to end, so the model can be closed after.
   */
  @Override
  public void close() {
    closing = true;
    active.forEach(ChatSession::cancel);
    http.stop(1);
    generations.shutdown();
    requests.shutdown();
    try {
      if (!generations.awaitTermination(30, TimeUnit.SECONDS)) {
        log("serve: generations still running after 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      try {
        route(exchange);
      } catch (ServeException e) {
        sendError(exchange, e);
      } catch (IOException e) {
        // the client went away; for a stream, closing its events cancelled the generation
        log("serve: " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + ": client gone ("
            + e.getMessage() + ")");
      } catch (RuntimeException e) {
        log("serve: internal error on " + exchange.getRequestURI().getPath() + ": " + e);
        if (verbose) {
          synchronized (log) {
            e.printStackTrace(log);
            log.flush();
          }
        }
        sendError(exchange, new ServeException(500, "server_error", null, "internal server error; see the server's log"));
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    Served served = this.served;
    if (served == null) {
      throw new ServeException(503, "server_error", null, "the model is loading; try again shortly");
    }
    String path = exchange.getRequestURI().getPath();
    switch (path) {
      case "/v1/chat/completions" -> {
        requireMethod(exchange, "POST");
        complete(exchange, served, ServeRequest.parse(readJson(exchange), served.demo()));
      }
      case "/v1/models" -> {
        requireMethod(exchange, "GET");
        ObjectNode models = ServeReply.JSON.createObjectNode().put("object", "list");
        models.putArray("data").addObject()
            .put("id", served.name()).put("object", "model").put("created", 0).put("owned_by", "gptoss4j");
        send(exchange, 200, models);
      }
      case "/health" -> {
        requireMethod(exchange, "GET");
        send(exchange, 200, ServeReply.JSON.createObjectNode().put("status", "ok"));
      }
      default -> throw new ServeException(404, "not_found_error", null,
          "no route " + exchange.getRequestMethod() + " " + path + "; this server answers " + ROUTES);
    }
  }

  private static void requireMethod(HttpExchange exchange, String method) {
    if (!exchange.getRequestMethod().equals(method)) {
      exchange.getResponseHeaders().set("Allow", method);
      throw new ServeException(405, "invalid_request_error", null,
          exchange.getRequestURI().getPath() + " takes " + method + ", not " + exchange.getRequestMethod());
    }
  }

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BODY_BYTES) {
      throw tooLarge(exchange);
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw tooLarge(exchange);
    }
    JsonNode json;
    try {
      json = ServeReply.JSON.readTree(body);
    } catch (JacksonException e) {
      throw ServeException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (json == null || !json.isObject()) {
      throw ServeException.invalid(null, "the request body must be a JSON object");
    }
    return json;
  }

  /**
   * The 413 for an oversized body, after reading and dropping up to {@link #MAX_DISCARD_BYTES} of it: closing
   * a connection with unread request bytes makes TCP reset it, and the client then sees "connection reset"
   * instead of the 413 (seen once on loopback in `ServeServerTest`).
   */
  private static ServeException tooLarge(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    byte[] sink = new byte[64 << 10];
    for (long left = MAX_DISCARD_BYTES; left > 0; ) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, left));
      if (n < 0) {
        break;
      }
      left -= n;
    }
    return new ServeException(413, "invalid_request_error", null,
        "the request body is larger than " + MAX_BODY_BYTES + " bytes");
  }

  /** Runs the generation on the pool and waits for it, so at most {@code parallel} run at once. */
  private void complete(HttpExchange exchange, Served served, ServeRequest request) throws IOException {
    Future<?> done = generations.submit(() -> {
      generate(exchange, served, request);
      return null;
    });
    try {
      done.get();
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException r -> throw r;
        case Throwable t -> throw new IllegalStateException(t);
      }
    } catch (InterruptedException e) {
      done.cancel(true);
      Thread.currentThread().interrupt();
      throw new ServeException(503, "server_error", null, "the server is shutting down");
    }
  }

  private void generate(HttpExchange exchange, Served served, ServeRequest request) throws IOException {
    long start = System.nanoTime();
    ServeReply reply = new ServeReply(request.model() == null ? served.name() : request.model());
    try (ChatSession session = served.model().newSession()) {
      active.add(session);
      try {
        if (closing) {
          throw new ServeException(503, "server_error", null, "the server is shutting down");
        }
        try (Stream<GenerationEvent> events = open(session, request)) {
          if (request.stream()) {
            stream(exchange, events.iterator(), reply, request.includeUsage());
          } else {
            events.forEach(reply::accept);
            send(exchange, 200, reply.response());
          }
        }
      } finally {
        active.remove(session);
      }
    }
    log(String.format(Locale.ROOT, "serve: chat completion%s: %d prompt + %d completion tokens, %s, %.2f s",
        request.stream() ? " (stream)" : "", reply.stats().promptTokens(), reply.stats().generatedTokens(),
        reply.stopReason().name().toLowerCase(Locale.ROOT), (System.nanoTime() - start) / 1e9));
  }

  /** Starts generating; what the Generator refuses before any work (e.g. the context is too small) is a 400. */
  private static Stream<GenerationEvent> open(ChatSession session, ServeRequest request) {
    try {
      return session.stream(request.generation());
    } catch (GenerationException e) {
      throw ServeException.invalid("messages", e.getMessage());
    }
  }

  /** Server-sent events: a role chunk, one chunk per delta or tool call, the finish chunk, usage, {@code [DONE]}. */
  private static void stream(HttpExchange exchange, Iterator<GenerationEvent> events, ServeReply reply,
      boolean includeUsage) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    event(out, reply.roleChunk().toString());
    try {
      while (events.hasNext()) {
        ObjectNode chunk = reply.accept(events.next());
        if (chunk != null) {
          event(out, chunk.toString());
        }
      }
    } catch (GenerationException e) {
      // The status is sent already: the error goes in the stream, as OpenAI's servers do.
      event(out, errorJson(ServeException.invalid(null, e.getMessage())).toString());
      return;
    }
    if (includeUsage) {
      event(out, reply.usageChunk().toString());
    }
    event(out, "[DONE]");
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = ServeReply.JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", JSON_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void sendError(HttpExchange exchange, ServeException e) {
    if (exchange.getResponseCode() != -1) {
      return; // headers are out (a stream): nothing more can be said
    }
    try {
      send(exchange, e.status(), errorJson(e));
    } catch (IOException gone) {
      log("serve: could not send a " + e.status() + " error: " + gone.getMessage());
    }
  }

  private static ObjectNode errorJson(ServeException e) {
    ObjectNode root = ServeReply.JSON.createObjectNode();
    root.putObject("error").put("message", e.getMessage()).put("type", e.type()).put("param", e.param());
    return root;
  }

  private void log(String line) {
    synchronized (log) {
      log.println(line);
      log.flush();
    }
  }
}
