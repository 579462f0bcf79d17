package io.github.gptoss4j.server;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A JFR event per generation the server runs, so a flight recording shows each request's work and outcome. */
@Name("gptoss4j.ServedGeneration")
@Label("gptoss generation")
@Category({"gptoss4j", "server"})
@Description("One generation answered over HTTP")
@StackTrace(false)
final class GenerationRecord extends Event {
  @Label("Route")
  String route;

  @Label("Streamed")
  boolean streamed;

  @Label("Prompt tokens")
  int promptTokens;

  @Label("Generated tokens")
  int generatedTokens;

  @Label("Time to first token (ms)")
  double ttftMillis;

  @Label("Stop reason")
  String stopReason;
}
