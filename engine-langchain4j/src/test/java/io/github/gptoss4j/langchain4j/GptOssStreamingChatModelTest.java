package io.github.gptoss4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import io.github.gptoss4j.generate.AdapterTestModels;
import io.github.gptoss4j.generate.AdapterTestModels.Scripted;
import io.github.gptoss4j.generate.GenerationException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The streaming chat model through StreamingChatModel: partial responses, usage, cancellation and errors. */
class GptOssStreamingChatModelTest {
  private static final ChatRequest HI = ChatRequest.builder().messages(UserMessage.from("Hi")).build();

  /** Collects callbacks; cancels once {@code cancelAt} partial responses arrived (0: never). */
  private static final class Collector implements StreamingChatResponseHandler {
    final List<String> partials = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    final AtomicBoolean completed = new AtomicBoolean();
    private final int cancelAt;

    Collector(int cancelAt) {
      this.cancelAt = cancelAt;
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
      partials.add(partial.text());
      if (partials.size() == cancelAt) {
        context.streamingHandle().cancel();
      }
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      completed.set(true);
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }
  }

  @Test
  void partialResponsesAddUpToTheCompleteResponse() throws Exception {
    Scripted scripted = AdapterTestModels.scripted("<|channel|>final<|message|>One, two, three, four.<|return|>");
    StreamingChatModel model = GptOssStreamingChatModel.builder().model(scripted.model()).temperature(0).build();
    Collector collector = new Collector(0);

    model.chat(HI, collector);
    ChatResponse response = collector.done.get(60, TimeUnit.SECONDS);

    assertEquals("One, two, three, four.", String.join("", collector.partials));
    assertTrue(collector.partials.size() > 1, collector.partials.toString());
    assertEquals("One, two, three, four.", response.aiMessage().text());
    assertEquals(FinishReason.STOP, response.finishReason());
    assertEquals(scripted.tokensServed(), response.tokenUsage().outputTokenCount());
    assertTrue(response.tokenUsage().inputTokenCount() > 0);
  }

  @Test
  void cancellingFromAPartialCallbackStopsGenerationAndTheCallbacks() throws Exception {
    Scripted scripted = AdapterTestModels.scripted("<|channel|>final<|message|>" + "blah ".repeat(500) + "<|return|>");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    StreamingChatModel model = GptOssStreamingChatModel.builder()
        .model(scripted.model()).temperature(0).executor(executor).build();
    Collector collector = new Collector(5);

    model.chat(HI, collector);
    executor.shutdown();

    assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS), "the generation ends after a cancel");
    assertEquals(5, collector.partials.size(), "no partial response after cancel()");
    assertTrue(!collector.completed.get(), "no complete response after cancel()");
    // Three header tokens and five words were chosen before cancel(); the session stops within one more.
    assertTrue(scripted.tokensServed() <= 3 + 5 + 1, "tokens chosen: " + scripted.tokensServed());
  }

  @Test
  void aRequestThatCannotBeHonouredGoesToOnError() {
    StreamingChatModel model = GptOssStreamingChatModel.builder()
        .model(AdapterTestModels.scripted("<|channel|>final<|message|>x<|return|>").model()).build();
    Collector collector = new Collector(0);

    model.chat(ChatRequest.builder().messages(UserMessage.from(ImageContent.from("https://example.invalid/a.png"))).build(),
        collector);

    Throwable error = collector.done.handle((r, e) -> e).join();
    assertInstanceOf(GenerationException.class, error);
    assertEquals("messages[0].contents[0] is IMAGE content; gpt-oss reads TEXT only", error.getMessage());
  }
}
