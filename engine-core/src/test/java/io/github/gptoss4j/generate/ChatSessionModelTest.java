package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sessions over the real forward pass of a small synthetic checkpoint with the o200k_harmony vocabulary. */
class ChatSessionModelTest {
  private static final GptOss model = SynthModel.model();

  private static GenerationRequest request(String user, long seed, int maxTokens) {
    return GenerationRequest.builder()
        .user(user)
        .maxTokens(maxTokens)
        .sampling(SamplingOptions.builder().temperature(0.8).topP(0.95).seed(seed).build())
        .build();
  }

  private static List<Integer> tokens(GptOss m, GenerationRequest request) {
    try (ChatSession session = m.newSession()) {
      return session.generate(request).tokens();
    }
  }

  @Test
  void sameSeedGivesSameTokensAndAnotherSeedOthers() {
    List<Integer> a = tokens(model, request("Tell me a story", 42, 8));
    assertEquals(8, a.size());
    assertEquals(a, tokens(model, request("Tell me a story", 42, 8)));
    assertNotEquals(a, tokens(model, request("Tell me a story", 43, 8)));
  }

  @Test
  void anUnseededRunReportsTheSeedThatReplaysIt() {
    GenerationRequest unseeded = GenerationRequest.builder()
        .user("Tell me a story")
        .maxTokens(8)
        .sampling(SamplingOptions.builder().temperature(0.8).topP(0.95).build())
        .build();
    GenerationResult first;
    try (ChatSession session = model.newSession()) {
      first = session.generate(unseeded);
    }
    assertEquals(first.tokens(), tokens(model, request("Tell me a story", first.stats().seed(), 8)));
  }

  @Test
  void tokensDoNotDependOnTheThreadCount() {
    GenerationRequest request = request("Count to ten", 7, 6);
    try (GptOss one = GptOss.load(SynthModel.dir(), ModelOptions.builder().threads(1).build());
        GptOss two = GptOss.load(SynthModel.dir(), ModelOptions.builder().threads(2).build())) {
      assertEquals(tokens(one, request), tokens(two, request));
    }
  }

  @Test
  void concurrentSessionsGiveExactlyTheirSequentialTokens() throws Exception {
    List<GenerationRequest> requests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      requests.add(request("Question number " + i, 100 + i, 6));
    }
    List<List<Integer>> sequential = requests.stream().map(r -> tokens(model, r)).toList();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<List<Integer>>> running = new ArrayList<>();
      for (GenerationRequest r : requests) {
        running.add(pool.submit(() -> tokens(model, r)));
      }
      for (int i = 0; i < requests.size(); i++) {
        assertEquals(sequential.get(i), running.get(i).get(), "session " + i);
      }
    }
  }

  @Test
  void oneSessionGeneratesWholeRepliesWhileAnotherIsMidStep() throws Exception {
    GenerationRequest first = request("First question", 1, 6);
    GenerationRequest second = request("Second question", 2, 6);
    List<Integer> firstAlone = tokens(model, first);
    List<Integer> secondAlone = tokens(model, second);
    CountDownLatch firstMidStep = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    // The first session stops inside its third step until the second has generated its whole reply.
    GenerationRequest pausing = first.followUp().user("First question").logitsProcessor(harmony -> (context, logits) -> {
      if (context.generatedCount() == 2) {
        firstMidStep.countDown();
        try {
          assertTrue(secondDone.await(60, TimeUnit.SECONDS), "the second session did not finish meanwhile");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).build();
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<List<Integer>> firstRun = pool.submit(() -> tokens(model, pausing));
      assertTrue(firstMidStep.await(60, TimeUnit.SECONDS));
      List<Integer> secondRun = tokens(model, second);
      secondDone.countDown();
      assertEquals(secondAlone, secondRun);
      assertEquals(firstAlone, firstRun.get());
    }
  }

  @Test
  void secondTurnReusesTheCacheAndMatchesAFreshPrefill() {
    SamplingOptions sampling = SamplingOptions.builder().temperature(0).logprobs(5).build();
    GenerationRequest turn2 = GenerationRequest.builder().user("And then?").maxTokens(3).sampling(sampling).build();
    // Blocks of 4 give the sliding layer (window 8) a ring of 11 positions: after a 20-token reply it can no
    // longer truncate back to the end of the first prompt, and the session must rewind to its mark there.
    // No shared prefix cache: the fresh session below must prefill everything.
    try (GptOss small = GptOss.load(SynthModel.dir(), ModelOptions.builder().prefixCacheBytes(0).build(), 4);
        ChatSession chat = small.newSession()) {
      GenerationResult first = chat.generate(
          GenerationRequest.builder().user("Hello there").maxTokens(20).sampling(sampling).build());
      assertEquals(0, first.stats().cachedTokens());
      List<Message> history = chat.conversation();

      List<TokenEvent> cached = new ArrayList<>();
      GenerationEvent.Done[] done = new GenerationEvent.Done[1];
      chat.generate(turn2, e -> {
        if (e instanceof TokenEvent t) {
          cached.add(t);
        } else if (e instanceof GenerationEvent.Done d) {
          done[0] = d;
        }
      });
      // Everything before the first prompt's closing "<|start|>assistant" is shared, whatever the reply was.
      int reused = done[0].stats().cachedTokens();
      assertTrue(reused >= first.stats().promptTokens() - 2 && reused < done[0].stats().promptTokens(), "reused " + reused);

      try (ChatSession fresh = small.newSession()) {
        GenerationRequest same = GenerationRequest.builder()
            .conversation(new Conversation(history)).user("And then?").maxTokens(3).sampling(sampling).build();
        List<TokenEvent> uncached = new ArrayList<>();
        fresh.generate(same, e -> {
          if (e instanceof TokenEvent t) {
            uncached.add(t);
          } else if (e instanceof GenerationEvent.Done d) {
            assertEquals(0, d.stats().cachedTokens());
            assertEquals(done[0].stats().promptTokens(), d.stats().promptTokens());
          }
        });
        assertEquals(tokenIds(uncached), tokenIds(cached));
        for (int i = 0; i < cached.size(); i++) {
          // Blocks split at other positions sum in another order: equal to float rounding, not bit for bit.
          List<TokenLogprobs.Alternative> a = cached.get(i).logprobs().top();
          List<TokenLogprobs.Alternative> b = uncached.get(i).logprobs().top();
          assertEquals(b.stream().map(TokenLogprobs.Alternative::token).toList(),
              a.stream().map(TokenLogprobs.Alternative::token).toList());
          for (int j = 0; j < a.size(); j++) {
            assertEquals(b.get(j).logprob(), a.get(j).logprob(), 1e-6, "token " + i + " alternative " + j);
          }
        }
      }
    }
  }

  private static List<Integer> tokenIds(List<TokenEvent> events) {
    return events.stream().map(TokenEvent::token).toList();
  }

  @Test
  void identicalRequestOnTheSameSessionReusesAllButOnePromptToken() {
    GenerationRequest request = GenerationRequest.builder()
        .conversation(Conversation.of(Message.of(io.github.gptoss4j.harmony.Role.USER, "Hi")))
        .reasoningEffort(ReasoningEffort.LOW)
        .maxTokens(2)
        .sampling(SamplingOptions.greedy())
        .build();
    try (ChatSession chat = model.newSession()) {
      GenerationResult first = chat.generate(request);
      GenerationResult again = chat.generate(request);
      assertEquals(first.stats().promptTokens() - 1, again.stats().cachedTokens());
      assertEquals(first.tokens(), again.tokens());
    }
  }

  @Test
  void statsDescribeTheRun() {
    try (ChatSession chat = model.newSession()) {
      Stats stats = chat.generate(request("Hi", 1, 4)).stats();
      assertEquals(4, stats.generatedTokens());
      assertTrue(stats.promptTokens() > 10);
      assertTrue(stats.timeToFirstTokenNanos() > 0);
      assertTrue(stats.prefillTokensPerSecond() > 0);
      assertTrue(stats.decodeTokensPerSecond() > 0);
    }
  }

  @Test
  void promptPlusMaxTokensBeyondTheContextFailsBeforeAnyWork() {
    try (GptOss small = GptOss.load(SynthModel.dir(), ModelOptions.builder().maxContext(200).build());
        ChatSession chat = small.newSession()) {
      assertEquals(200, small.contextLimit());
      GenerationException e = assertThrows(GenerationException.class, () -> chat.generate(request("Hi", 1, 150)));
      assertTrue(e.getMessage().contains("maxTokens 150") && e.getMessage().contains("200"), e.getMessage());
      assertTrue(chat.conversation().isEmpty(), "a refused request changes nothing");
      assertEquals(StopReason.LENGTH, chat.generate(request("Hi", 1, 5)).stopReason());
    }
  }

  @Test
  void kvBudgetLimitsTheContext() {
    long bytes = io.github.gptoss4j.model.KvCache.bytesFor(
        SynthModel.CONFIG, io.github.gptoss4j.KvType.F32, 300, io.github.gptoss4j.model.Transformer.DEFAULT_MAX_BLOCK);
    try (GptOss small = GptOss.load(SynthModel.dir(), ModelOptions.builder().kvBudgetBytes(bytes).build());
        ChatSession chat = small.newSession()) {
      assertTrue(small.contextLimit() >= 300 && small.contextLimit() < 4096, "limit " + small.contextLimit());
      GenerationException e =
          assertThrows(GenerationException.class, () -> chat.generate(request("Hi", 1, small.contextLimit())));
      assertTrue(e.getMessage().contains("kvBudgetBytes"), e.getMessage());
    }
  }

  @Test
  void aCheckpointWhoseVocabularyIsTooSmallForTheTokenizerIsRefused() throws Exception {
    Path tiny = Path.of(ChatSessionModelTest.class.getResource("/tiny-gpt-oss/config.json").toURI()).getParent();
    GenerationException e = assertThrows(GenerationException.class, () -> GptOss.load(tiny));
    assertTrue(e.getMessage().contains("vocab_size is 1024"), e.getMessage());
  }
}
