package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationEvent;
import io.github.gptoss4j.generate.StopReason;
import java.util.List;
import java.util.stream.IntStream;

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

  /** How many choices it is made of (chat completions' {@code n}; otherwise 1). */
  default int choices() {
    return 1;
  }

  /** The stream's first events. */
  List<Event> start();

  /**
   * Takes one generation event of choice {@code choice}; returns the stream events it makes (none for a whole
   * answer's use).
   */
  List<Event> accept(int choice, GenerationEvent event);

  /** The stream's last events, once the generation is done. */
  List<Event> end();

  /** The event that ends a stream that cannot go on. */
  Event error(ApiException e);

  /** The whole answer, once the generation is done. */
  JsonNode whole();

  /** Choice {@code choice}'s last event once accepted; null before, or when its generation failed. */
  GenerationEvent.Done done(int choice);

  /** Whether every choice's {@code Done} was accepted (not so when one failed). */
  default boolean finished() {
    return IntStream.range(0, choices()).allMatch(i -> done(i) != null);
  }

  /** Whether a finished choice was cancelled (only the server cancels: it is stopping). */
  default boolean cancelled() {
    return IntStream.range(0, choices())
        .anyMatch(i -> done(i) != null && done(i).stopReason() == StopReason.CANCELLED);
  }
}
