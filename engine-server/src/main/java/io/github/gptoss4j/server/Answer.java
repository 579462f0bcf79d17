package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import java.util.List;

/**
 * One API's answer built from the Generator's events, whole or as server-sent events: what {@link Generations}
 * needs to run either API the same way.
 */
interface Answer {
  /**
   * One server-sent event.
   *
   * @param name its {@code event:} name, or null for a bare {@code data:} line
   * @param data the {@code data:} text
   */
  record Event(String name, String data) {
    static Event of(String name, JsonNode data) {
      return new Event(name, data.toString());
    }
  }

  /** The stream's first events. */
  List<Event> start();

  /** Takes one generation event; returns the stream events it makes (none for a whole answer's use). */
  List<Event> accept(GenerationEvent event);

  /** The stream's last events, once the generation is done. */
  List<Event> end();

  /** The event that ends a stream that cannot go on. */
  Event error(ApiException e);

  /** The whole answer, once the generation is done. */
  JsonNode whole();

  /** The generation's last event once accepted; null before, or when the generation failed. */
  GenerationEvent.Done done();

  /** Whether the generation's {@code Done} was accepted (not so when it failed). */
  default boolean finished() {
    return done() != null;
  }

  /** Stats of the finished generation. */
  default Stats stats() {
    return done().stats();
  }

  /** Why the finished generation ended. */
  default StopReason stopReason() {
    return done().stopReason();
  }
}
