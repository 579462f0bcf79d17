package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  }

  @Test
  void theModelsIdIsItsDirectorysName() {
    assertEquals("gpt-oss-20b", ServeCommand.name(Path.of("/models/gpt-oss-20b/")));
    assertEquals("demo-v1", ServeCommand.name(Path.of("cache/demo-v1")));
  }
}
