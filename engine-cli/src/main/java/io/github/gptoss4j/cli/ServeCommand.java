package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import io.github.gptoss4j.generate.Speculation;
import io.github.gptoss4j.server.GptOssServer;
import io.github.gptoss4j.server.GptOssServerException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code gptoss serve}: the OpenAI-compatible HTTP server of {@code engine-server} over one loaded model. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve the model over HTTP with OpenAI's APIs: POST /v1/chat/completions and POST /v1/responses (plain or"
          + " \"stream\": true), GET /v1/models[/ID], GET /health, GET /metrics. Each request is its own conversation.",
      "Listens on loopback unless --host says otherwise, and answers only loopback Host names and no web page"
          + " unless allowed. Ctrl-C (or SIGTERM) stops it.",
      "Without --model, serves the demo model (random weights, written on first use)."
    })
final class ServeCommand implements Callable<Integer> {
  /** The HTTP library's own log (a banner, stack traces of bad requests); held, as JUL keeps loggers weakly. */
  private static final Logger HELIDON = Logger.getLogger("io.helidon");

  @Spec CommandSpec spec;

  @Mixin ModelChoice modelChoice;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "N", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8080;

  @Option(names = "--parallel", paramLabel = "N",
      description = "Most generations at a time, batched: each pass of the model runs the next token of all of"
          + " them (up to 8), reading the weights once; more requests wait their turn. More gives more tokens/s in"
          + " all and each request fewer (default: ${DEFAULT-VALUE}; 1: one at a time).")
  int parallel = 4;

  @Option(names = "--max-queue", paramLabel = "N",
      description = "Most requests waiting beyond --parallel; past it, 429 with Retry-After (default: ${DEFAULT-VALUE}).")
  int maxQueue = 16;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "Require 'Authorization: Bearer KEY' on every request but /health (default: the GPTOSS_API_KEY"
          + " environment variable, else none).")
  String apiKey = System.getenv("GPTOSS_API_KEY");

  @Option(names = "--cors-origin", paramLabel = "ORIGIN",
      description = "A web origin (e.g. http://localhost:3000, or *) whose pages may call the server; repeatable."
          + " Requests from any other page are refused.")
  List<String> corsOrigins = new ArrayList<>();

  @Option(names = "--allowed-host", paramLabel = "NAME",
      description = "A Host name accepted besides localhost/127.0.0.1/[::1] (e.g. behind a proxy); repeatable.")
  List<String> allowedHosts = new ArrayList<>();

  @Option(names = "--request-timeout", paramLabel = "SECONDS",
      description = "Longest a generation may run; its answer is then cut (finish_reason length). Default: no limit.")
  Integer requestTimeoutSeconds;

  @Option(names = "--speculate", paramLabel = "K", description = GenerationOptions.SPECULATE_DESCRIPTION)
  int speculate;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be in [0, 65535], got " + port);
    }
    if (parallel < 1) {
      throw new CliException("--parallel must be at least 1, got " + parallel);
    }
    if (maxQueue < 0) {
      throw new CliException("--max-queue must be at least 0, got " + maxQueue);
    }
    if (requestTimeoutSeconds != null && requestTimeoutSeconds < 1) {
      throw new CliException("--request-timeout must be at least 1 second, got " + requestTimeoutSeconds);
    }
    if (new InetSocketAddress(host, 0).isUnresolved()) {
      throw new CliException("--host " + host + ": unknown host");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // the server logs one line per problem itself; the library's traces only with --verbose
    HELIDON.setLevel(verbose() ? Level.INFO : Level.OFF);
    // The model's default, which every request the server builds keeps (the tokens are the same either way).
    ModelOptions.Builder modelOptions = ModelOptions.builder().speculation(Speculation.promptLookup(speculate));
    boolean demo = modelChoice.demo();
    ShardCheck shards = new ShardCheck();
    GptOssServer.Builder options = GptOssServer.builder().host(host).port(port).parallel(parallel).maxQueue(maxQueue)
        .log(err).verbose(verbose()).healthCheck(shards::problem);
    corsOrigins.forEach(options::corsOrigin);
    allowedHosts.forEach(options::allowedHost);
    if (apiKey != null && !apiKey.isBlank()) {
      options.apiKey(apiKey);
    }
    if (requestTimeoutSeconds != null) {
      options.requestTimeout(Duration.ofSeconds(requestTimeoutSeconds));
    }
    if (demo) {
      // random weights never write a Harmony header; cut their answers as generate does
      options.replyChannel("final").defaultMaxTokens(GenerationOptions.DEMO_MAX_TOKENS);
    }
    GptOssServer server;
    try {
      server = options.build().start(); // before loading: a taken port fails at once
    } catch (GptOssServerException e) {
      throw new CliException(e.getMessage());
    }
    Path dir;
    GptOss loaded;
    try {
      dir = modelChoice.directory(err);
      shards.watch(dir);
      loaded = modelChoice.load(dir, modelOptions, err);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.serve(loaded, name(dir));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      err.println("stopping");
      err.flush();
      server.close();
      loaded.close();
      stopped.countDown();
    }, "serve-shutdown"));
    out.println("serving " + name(dir) + " at " + server.url() + " (" + parallel + " at a time"
        + (apiKey != null && !apiKey.isBlank() ? ", API key required" : "") + "); Ctrl-C stops");
    out.flush();
    stopped.await();
    return 0;
  }

  /** The id clients see: the checkpoint directory's name. */
  static String name(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name == null ? dir.toString() : name.toString();
  }

  private boolean verbose() {
    if ("1".equals(System.getenv("GPTOSS_VERBOSE"))) {
      return true;
    }
    for (ParseResult p = spec.commandLine().getParent().getParseResult(); p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
