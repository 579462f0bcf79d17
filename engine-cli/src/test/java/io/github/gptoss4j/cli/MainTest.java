package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The top-level command: version, usage errors, shell completion. */
class MainTest {

  @Test
  void versionIsTheBuildsVersion() throws Exception {
    // The version a release sets in the reactor's pom, read here independently of the filtered resource.
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String version = XPathFactory.newInstance().newXPath().evaluate("/project/parent/version", pom);
    assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
    CliRun run = CliRun.of("--version");
    assertEquals(0, run.code());
    assertEquals("gptoss4j " + version, run.out().lines().findFirst().orElseThrow());
  }

  @Test
  void aUsageErrorIsOneLineAndAHintNotTheWholeUsage() {
    CliRun run = CliRun.of("generate", "--max-tokns", "3");
    assertEquals(2, run.code());
    assertEquals(
        "gptoss generate: Unknown options: '--max-tokns', '3'\nTry 'gptoss generate --help' for more information.",
        run.err().strip());
    assertEquals("", run.out());

    CliRun top = CliRun.of("frobnicate");
    assertEquals(2, top.code());
    assertEquals(2, top.err().strip().lines().count(), top.err());
    assertTrue(top.err().endsWith("Try 'gptoss --help' for more information.\n"), top.err());
  }

  @Test
  void completionPrintsABashScriptForEveryCommand() {
    CliRun run = CliRun.of("completion");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("complete -F _complete_gptoss"), run.out().lines().limit(5).toList().toString());
    for (String command : new String[] {"generate", "chat", "serve", "completion"}) {
      assertTrue(run.out().contains(command), command);
    }
    assertTrue(CliRun.of("--help").out().contains("completion"));
  }
}
