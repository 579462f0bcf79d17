package io.github.gptoss4j.cli;

import io.github.gptoss4j.generate.GptOss;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code gptoss serve}: an OpenAI-compatible HTTP server (Chat Completions) over one loaded model. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve the model over HTTP with OpenAI's Chat Completions API: POST /v1/chat/completions (plain or"
          + " \"stream\": true), GET /v1/models, GET /health. Each request is its own conversation.",
      "Listens on loopback unless --host says otherwise. Ctrl-C (or SIGTERM) stops it.",
      "Without --model, serves the demo model (random weights, written on first use)."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelChoice modelChoice;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "N", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8080;

  @Option(names = "--parallel", paramLabel = "N",
      description = "Most generations at a time; more requests wait their turn (default: ${DEFAULT-VALUE}).")
  int parallel = 1;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CliException("--port must be in [0, 65535], got " + port);
    }
    if (parallel < 1) {
      throw new CliException("--parallel must be at least 1, got " + parallel);
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new CliException("--host " + host + ": unknown host");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ServeServer server;
    try {
      server = ServeServer.bind(address, parallel, err, verbose());
    } catch (IOException e) {
      throw new CliException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    Path dir;
    GptOss loaded;
    try {
      dir = modelChoice.directory(err);
      loaded = modelChoice.load(dir, err);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    server.serve(loaded, name(dir), modelChoice.demo());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      err.println("stopping");
      err.flush();
      server.close();
      loaded.close();
      stopped.countDown();
    }, "serve-shutdown"));
    out.println("serving " + name(dir) + " at " + server.url() + " (" + parallel + " at a time); Ctrl-C stops");
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
