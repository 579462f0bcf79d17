package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code gptoss serve}'s options, checked before any model is loaded. */
class ServeCommandTest {
  @Test
  void badOptionsAreOneLineErrors() {
    CliRun parallel = CliRun.of("serve", "--parallel", "0");
    assertEquals(1, parallel.code());
    assertEquals("gptoss serve: --parallel must be at least 1, got 0", parallel.err().strip());
    CliRun port = CliRun.of("serve", "--port", "70000");
    assertEquals(1, port.code());
    assertTrue(port.err().contains("--port must be in [0, 65535], got 70000"), port.err());
    CliRun queue = CliRun.of("serve", "--max-queue", "-1");
    assertEquals("gptoss serve: --max-queue must be at least 0, got -1", queue.err().strip());
    CliRun deadline = CliRun.of("serve", "--request-timeout", "0");
    assertEquals("gptoss serve: --request-timeout must be at least 1 second, got 0", deadline.err().strip());
    CliRun speculate = CliRun.of("serve", "--port", "0", "--speculate", "99");
    assertEquals("gptoss serve: speculation's draftTokens must be in [0, 32] (0 = off), got 99", speculate.err().strip());
  }

  @Test
  void theHelpSaysParallelRequestsAreBatchedFourByDefault() {
    CliRun help = CliRun.of("serve", "--help");
    assertEquals(0, help.code());
    String text = help.out().replaceAll("\\s+", " ");
    assertTrue(text.contains("--parallel=N Most generations at a time, batched"), text);
    assertTrue(text.contains("(default: 4; 1: one at a time)"), text);
  }

  @Test
  void aTakenPortFailsBeforeTheModelIsLoaded() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun run = CliRun.of("serve", "--port", Integer.toString(taken.getLocalPort()));
      assertEquals(1, run.code());
      assertTrue(run.err().startsWith("gptoss serve: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), run.err());
      assertFalse(run.err().contains("demo model"), run.err());
    }
  }

  @Test
  void aModelThatCannotBeLoadedIsAnErrorAndFreesThePort() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    CliRun run = CliRun.of("serve", "--port", Integer.toString(port), "--model", "/nonexistent/gpt-oss");
    assertEquals(1, run.code());
    assertTrue(run.err().startsWith("gptoss serve: ") && run.err().contains("/nonexistent/gpt-oss"), run.err());
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, again.getLocalPort());
    }
  }

  @Test
  void theModelsIdIsItsDirectorysName() {
    assertEquals("gpt-oss-20b", ServeCommand.name(Path.of("/models/gpt-oss-20b/")));
    assertEquals("demo-v1", ServeCommand.name(Path.of("cache/demo-v1")));
  }
}
