package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JFR events and the {@link GptOss#onGeneration} hook a host exports metrics from. */
class ObservabilityTest {
  private static final GenerationRequest REQUEST = GenerationRequest.builder()
      .user("Hello there").maxTokens(5).sampling(SamplingOptions.builder().seed(7).build()).build();

  @Test
  void aRecordedGenerationHasItsLoadGenerationAndKvGrowthEvents(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("generation.jfr");
    List<Done> sessionDone = new ArrayList<>();
    try (Recording recording = new Recording()) {
      recording.enable("gptoss4j.ModelLoad");
      recording.enable("gptoss4j.Generation");
      recording.enable("gptoss4j.KvGrowth");
      recording.start();
      try (GptOss model = GptOss.load(SynthModel.dir());
          ChatSession chat = model.newSession()) {
        chat.generate(REQUEST, e -> {
          if (e instanceof Done d) {
            sessionDone.add(d);
          }
        });
        chat.generate(REQUEST.followUp().user("And then?").build(), e -> {
          if (e instanceof Done d) {
            sessionDone.add(d);
          }
        });
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);

    List<RecordedEvent> loads = named(events, "gptoss4j.ModelLoad");
    assertEquals(1, loads.size(), loads.toString());
    assertEquals(SynthModel.dir().toString(), loads.getFirst().getString("directory"));
    assertEquals("EXACT", loads.getFirst().getString("precision"));
    assertTrue(loads.getFirst().getDuration().toNanos() > 0);

    List<RecordedEvent> generations = named(events, "gptoss4j.Generation");
    assertEquals(2, generations.size(), generations.toString());
    for (int i = 0; i < 2; i++) {
      RecordedEvent g = generations.get(i);
      Stats stats = sessionDone.get(i).stats();
      assertEquals(stats.promptTokens(), g.getInt("promptTokens"));
      assertEquals(stats.cachedTokens(), g.getInt("cachedTokens"));
      assertEquals(5, g.getInt("generatedTokens"));
      assertEquals(stats.timeToFirstTokenNanos(), g.getDuration("timeToFirstToken").toNanos());
      assertTrue(g.getDuration("timeToFirstToken").toNanos() > 0);
      assertTrue(g.getDouble("decodeTokensPerSecond") > 0);
      assertEquals("LENGTH", g.getString("stopReason"));
      assertTrue(g.getDuration().compareTo(g.getDuration("timeToFirstToken")) >= 0, "the event spans the call");
    }
    assertEquals(0, generations.get(0).getInt("cachedTokens"));
    assertTrue(generations.get(1).getInt("cachedTokens") > 0, "the second turn reuses the first one's cache");

    List<RecordedEvent> growth = named(events, "gptoss4j.KvGrowth");
    assertTrue(!growth.isEmpty(), "the first prefill allocates the cache");
    RecordedEvent first = growth.getFirst();
    assertEquals(0, first.getLong("bytesBefore"));
    assertTrue(first.getLong("bytesAfter") > 0 && first.getInt("positions") > 0, first.toString());
  }

  @Test
  void generationListenersSeeEachCompletedGenerationAndAFailingOneIsContained() {
    try (GptOss model = GptOss.load(SynthModel.dir());
        ChatSession chat = model.newSession()) {
      List<Done> seen = new ArrayList<>();
      model.onGeneration(done -> {
        throw new IllegalStateException("a broken metrics exporter");
      });
      Consumer<Done> listener = seen::add;
      model.onGeneration(listener);
      GenerationResult first = chat.generate(REQUEST);
      GenerationResult second = chat.generate(REQUEST.followUp().user("And then?").build());
      assertEquals(2, seen.size());
      assertEquals(first.stats(), seen.get(0).stats());
      assertEquals(second.stats(), seen.get(1).stats());
      assertEquals(StopReason.LENGTH, seen.get(1).stopReason());
      assertNotNull(second.finalText());
      assertThrows(NullPointerException.class, () -> model.onGeneration(null));
      model.removeGenerationListener(listener);
      chat.generate(REQUEST.followUp().user("Once more").build());
      assertEquals(2, seen.size(), "a removed listener is not called");
    }
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
  }
}
