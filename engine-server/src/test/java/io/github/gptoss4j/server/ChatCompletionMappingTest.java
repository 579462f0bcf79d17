package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an OpenAI request body becomes a Generator request (the conversation Harmony renders). */
class ChatCompletionMappingTest {
  private static final ServerSettings REAL = GptOssServer.builder().build().settings();
  private static final ServerSettings DEMO =
      GptOssServer.builder().replyChannel("final").defaultMaxTokens(128).build().settings();

  private static ChatCompletionMapping parse(String body, boolean demo) {
    ChatCompletionRequest request =
        JsonBody.read(body.getBytes(StandardCharsets.UTF_8), ChatCompletionRequest.class);
    return ChatCompletionMapping.of(request, demo ? DEMO : REAL);
  }

  @Test
  void aToolRoundTripBecomesTheMessagesTheGeneratorWouldHaveKept() {
    ChatCompletionMapping request = parse("""
        {"messages": [
          {"role": "system", "content": "Be brief."},
          {"role": "developer", "content": "Use tools."},
          {"role": "user", "content": "Weather in Paris?"},
          {"role": "assistant", "content": "Let me check.", "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
          {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
          {"role": "assistant", "content": "It is sunny."},
          {"role": "user", "content": "Thanks"}],
         "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Gets the weather",
           "parameters": {"type": "object"}}}],
         "model": "gpt-oss-20b"}""", false);
    GenerationRequest g = request.generation();
    assertEquals("Be brief.\n\nUse tools.", g.instructions());
    assertEquals(1, g.functionTools().size());
    assertEquals("get_weather", g.functionTools().getFirst().name());
    assertEquals("Gets the weather", g.functionTools().getFirst().description());
    ToolCall call = new ToolCall("functions.get_weather", "{\"city\": \"Paris\"}", "<|constrain|>json");
    Message toolResult = GenerationRequest.builder().toolResult(call, "sunny").build().messages().getFirst();
    List<Message> expected = List.of(
        Message.of(Role.USER, "Weather in Paris?"),
        Message.of(Role.ASSISTANT, "Let me check.").withChannel("commentary"),
        Message.of(Role.ASSISTANT, call.arguments())
            .withChannel("commentary").withRecipient(call.recipient()).withContentType(call.contentType()),
        toolResult,
        Message.of(Role.ASSISTANT, "It is sunny.").withChannel("final"),
        Message.of(Role.USER, "Thanks"));
    assertEquals(expected, g.messages());
    assertEquals("gpt-oss-20b", request.model());
    assertFalse(request.stream());
  }

  @Test
  void optionsReachTheGeneratorRequest() {
    ChatCompletionMapping request = parse("""
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}],
         "max_tokens": 7, "temperature": 0.5, "top_p": 0.9, "top_k": 40, "min_p": 0.05, "seed": 12,
         "presence_penalty": 0.5, "frequency_penalty": -0.5, "stop": ["x", "yz"], "reasoning_effort": "high",
         "stream": true, "stream_options": {"include_usage": true}, "tool_choice": "none",
         "tools": [{"type": "function", "function": {"name": "f"}}], "n": 1, "user": "ignored"}""", false);
    GenerationRequest g = request.generation();
    assertEquals(List.of(Message.of(Role.USER, "ab")), g.messages());
    assertEquals(7, g.maxTokens());
    SamplingOptions s = g.sampling();
    assertEquals(0.5, s.temperature());
    assertEquals(0.9, s.topP());
    assertEquals(40, s.topK());
    assertEquals(0.05, s.minP());
    assertEquals(12, s.seed().getAsLong());
    assertEquals(0.5, s.presencePenalty());
    assertEquals(-0.5, s.frequencyPenalty());
    assertEquals(List.of("x", "yz"), g.stopStrings());
    assertEquals(ReasoningEffort.HIGH, g.reasoningEffort());
    assertTrue(g.functionTools().isEmpty(), "tool_choice none offers no tools");
    assertTrue(request.stream());
    assertTrue(request.includeUsage());
    assertNull(g.replyChannel());
  }

  @Test
  void maxCompletionTokensWinsAndTheDemoGetsItsDefaults() {
    String user = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
    assertEquals(3, parse(user + ", \"max_tokens\": 9, \"max_completion_tokens\": 3}", false).generation().maxTokens());
    GenerationRequest real = parse(user + "}", false).generation();
    assertEquals(0, real.maxTokens(), "a real model writes until it ends its answer");
    assertNull(real.replyChannel());
    GenerationRequest demo = parse(user + ", \"max_tokens\": null}", true).generation();
    assertEquals(128, demo.maxTokens());
    assertEquals("final", demo.replyChannel());
  }
}
