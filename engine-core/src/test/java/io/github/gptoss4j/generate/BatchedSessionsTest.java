package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sessions generating at once share batched passes, and each gets exactly the tokens it gets alone. */
class BatchedSessionsTest {

  private static GenerationRequest request(int i) {
    SamplingOptions sampling = i % 3 == 0
        ? SamplingOptions.greedy()
        : SamplingOptions.builder().temperature(0.6 + 0.1 * i).topP(0.9).repetitionPenalty(1.1).seed(40 + i).build();
    return GenerationRequest.builder()
        .user("Question " + i + ": " + "tell me more ".repeat(1 + 7 * i))
        .replyChannel("final")
        .maxTokens(6 + 3 * i)
        .sampling(sampling)
        .build();
  }

  private static List<Integer> alone(GptOss model, GenerationRequest request) {
    try (ChatSession session = model.newSession()) {
      return session.generate(request).tokens();
    }
  }

  @Test
  void concurrentSessionsGetTheirOwnTokensAndOneCancelledStopsAlone() throws Exception {
    int n = 5;
    List<GenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(request(i));
    }
    try (GptOss unbatched = GptOss.load(SynthModel.dir(), ModelOptions.builder().batchSize(1).build());
        GptOss batched = GptOss.load(SynthModel.dir(), ModelOptions.builder().batchSize(4).build())) {
      List<List<Integer>> expected = requests.stream().map(r -> alone(unbatched, r)).toList();
      CountDownLatch start = new CountDownLatch(1);
      List<Integer> cancelledTokens = new ArrayList<>();
      try (ExecutorService threads = Executors.newFixedThreadPool(n + 1)) {
        List<Future<List<Integer>>> runs = new ArrayList<>();
        for (GenerationRequest r : requests) {
          runs.add(threads.submit(() -> {
            start.await();
            return alone(batched, r);
          }));
        }
        // One more session, cancelled after three tokens, while the others run.
        Future<StopReason> cancelled = threads.submit((Callable<StopReason>) () -> {
          start.await();
          try (ChatSession session = batched.newSession()) {
            StopReason[] reason = new StopReason[1];
            session.generate(request(1).followUp().user("cancel me").maxTokens(50).build(), e -> {
              if (e instanceof TokenEvent t && cancelledTokens.add(t.token()) && cancelledTokens.size() == 3) {
                session.cancel();
              } else if (e instanceof GenerationEvent.Done d) {
                reason[0] = d.stopReason();
              }
            });
            return reason[0];
          }
        });
        start.countDown();
        for (int i = 0; i < n; i++) {
          assertEquals(expected.get(i), runs.get(i).get(120, TimeUnit.SECONDS), "session " + i);
        }
        assertEquals(StopReason.CANCELLED, cancelled.get(120, TimeUnit.SECONDS));
        assertTrue(cancelledTokens.size() <= 4, "tokens after cancel: " + cancelledTokens);
      }
      long[] counts = batched.scheduler().counts();
      assertTrue(counts[2] >= 2, "no pass batched two sessions' tokens: " + java.util.Arrays.toString(counts));
      // and alone the batched model gives the same again
      assertEquals(expected.getFirst(), alone(batched, requests.getFirst()));
    }
  }
}
