package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.DeveloperContent;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.harmony.SystemContent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every request and model option is validated up front with a message naming it. */
class GenerationRequestTest {
  private static void fails(String message, Executable action) {
    assertEquals(message, assertThrows(GenerationException.class, action).getMessage());
  }

  @Test
  void invalidRequestOptionsNameTheOption() {
    GenerationRequest.Builder b = GenerationRequest.builder();
    fails("maxTokens must be >= 1, got 0", () -> b.maxTokens(0));
    fails("maxTokens must be >= 1, got -5", () -> b.maxTokens(-5));
    fails("stop string must not be empty", () -> b.stopString(""));
    fails("stop string must not be null", () -> b.stopString(null));
    fails("stop token id must be >= 0, got -1", () -> b.stopTokenId(-1));
    fails("timeout must be positive, got PT0S", () -> b.timeout(Duration.ZERO));
    fails("timeout must be positive, got PT-1S", () -> b.timeout(Duration.ofSeconds(-1)));
    fails("sampling must not be null", () -> b.sampling(null));
    fails("user text must not be null", () -> b.user(null));
    fails("browser handler must not be null", () -> b.browser(null));
    fails("reasoningEffort must not be null", () -> b.reasoningEffort(null));
  }

  @Test
  void invalidFunctionToolsAreRefused() {
    GenerationRequest.Builder b = GenerationRequest.builder().functionTool("get_weather", "Weather", null);
    fails("function tool 'get_weather' is declared twice", () -> b.functionTool("get_weather", "again", null));
    fails("function tool name 'get weather' must be an identifier (letters, digits, _; not starting with a digit)",
        () -> b.functionTool("get weather", "x", null));
    fails("function tool description must not be null", () -> b.functionTool("f", null, null));
    assertThrows(GenerationException.class, () -> b.functionTool("g", "x", "{not json"));
    fails("parameters of function tool 'h' must be a JSON schema object, got: [1]",
        () -> b.functionTool("h", "x", "[1]"));
  }

  @Test
  void ownSystemOrDeveloperMessageConflictsWithTheOptionsThatWouldRenderOne() {
    Conversation withSystem = Conversation.of(Message.of(Role.SYSTEM, SystemContent.defaults()), Message.of(Role.USER, "hi"));
    fails("reasoningEffort, browser and python cannot be set when the conversation has its own system message",
        () -> GenerationRequest.builder().conversation(withSystem).reasoningEffort(ReasoningEffort.HIGH).build());
    Conversation withDeveloper = Conversation.of(
        Message.of(Role.DEVELOPER, DeveloperContent.empty().withInstructions("x")), Message.of(Role.USER, "hi"));
    fails("instructions and function tools cannot be set when the conversation has its own developer message",
        () -> GenerationRequest.builder().conversation(withDeveloper).instructions("y").build());
  }

  @Test
  void invalidSamplingOptionsAreRefusedByTheirBuilder() {
    fails("top_p must be in (0, 1], got 1.5", () -> SamplingOptions.builder().topP(1.5).build());
    fails("temperature must be a finite number >= 0, got -1.0", () -> SamplingOptions.builder().temperature(-1).build());
  }

  @Test
  void invalidModelOptionsNameTheOption() {
    fails("threads must be >= 0 (0 = default), got -1", () -> ModelOptions.builder().threads(-1).build());
    fails("batchSize must be in [1, 256] (1 = no batching), got 0", () -> ModelOptions.builder().batchSize(0).build());
    fails("batchSize must be in [1, 256] (1 = no batching), got 257",
        () -> ModelOptions.builder().batchSize(257).build());
    fails("prefixCacheBytes must be >= 0 (0 = off), got -1",
        () -> ModelOptions.builder().prefixCacheBytes(-1).build());
    fails("kvType must be F32 or BF16, got null", () -> ModelOptions.builder().kvType(null).build());
    fails("kvBudgetBytes must be > 0, got 0", () -> ModelOptions.builder().kvBudgetBytes(0).build());
    fails("maxContext must be >= 0 (0 = the model's limit), got -2", () -> ModelOptions.builder().maxContext(-2).build());
    fails("precision must be EXACT or INT8, got null", () -> ModelOptions.builder().precision(null).build());
    assertEquals(io.github.gptoss4j.Precision.EXACT, ModelOptions.defaults().precision(), "exact by default");
  }

  @Test
  void requestKeepsWhatWasSet() {
    GenerationRequest r = GenerationRequest.builder()
        .instructions("Be brief")
        .user("Hi")
        .reasoningEffort(ReasoningEffort.LOW)
        .maxTokens(10)
        .stopString("END")
        .stopTokenId(5)
        .functionTool("f", "does f", "{\"type\":\"object\"}")
        .timeout(Duration.ofSeconds(3))
        .build();
    assertEquals(List.of(Message.of(Role.USER, "Hi")), r.messages());
    assertEquals("Be brief", r.instructions());
    assertEquals(ReasoningEffort.LOW, r.reasoningEffort());
    assertEquals(10, r.maxTokens());
    assertEquals(List.of("END"), r.stopStrings());
    assertEquals(5, r.stopTokenIds()[0]);
    assertEquals("f", r.functionTools().getFirst().name());
    assertEquals(Duration.ofSeconds(3), r.timeout());

    GenerationRequest next = r.followUp().user("And?").build();
    assertEquals(List.of(Message.of(Role.USER, "And?")), next.messages());
    assertEquals(r.instructions(), next.instructions());
    assertEquals(r.reasoningEffort(), next.reasoningEffort());
    assertEquals(r.maxTokens(), next.maxTokens());
    assertEquals(r.stopStrings(), next.stopStrings());
    assertEquals(r.stopTokenIds()[0], next.stopTokenIds()[0]);
    assertEquals(r.functionTools(), next.functionTools());
    assertEquals(r.sampling(), next.sampling());
    assertEquals(r.timeout(), next.timeout());
  }
}
