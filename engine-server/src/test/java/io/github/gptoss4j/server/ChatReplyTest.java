package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.generate.GenerationEvent.CommentaryDelta;
import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GenerationEvent.FinalDelta;
import io.github.gptoss4j.generate.GenerationEvent.MessageStart;
import io.github.gptoss4j.generate.GenerationEvent.ReasoningDelta;
import io.github.gptoss4j.generate.GenerationEvent.TokenEvent;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import io.github.gptoss4j.harmony.Role;
import org.junit.jupiter.api.Test;

/** How Generator events become OpenAI's message fields (a real model's, which the demo cannot produce). */
class ChatReplyTest {
  private static final Stats STATS = new Stats(40, 0, 12, 1_000_000, 100, 10, 1, 0, 0);

  @Test
  void reasoningAndAToolCallBecomeReasoningContentAndToolCalls() {
    ChatReply reply = new ChatReply("gpt-oss-20b", null, false, 1);
    assertNull(reply.chunkFor(0, new TokenEvent(200005, null)), "tokens alone show nothing");
    assertNull(reply.chunkFor(0, new MessageStart(Role.ASSISTANT, "analysis", null)));
    JsonNode thinking = reply.chunkFor(0, new ReasoningDelta("Need weather."));
    assertEquals("Need weather.", thinking.at("/choices/0/delta/reasoning_content").asText());
    JsonNode call = reply.chunkFor(0, new ToolCall("functions.get_weather", "{\"city\":\"Paris\"}", "<|constrain|>json"));
    JsonNode streamed = call.at("/choices/0/delta/tool_calls/0");
    assertEquals(0, streamed.get("index").asInt());
    assertEquals("get_weather", streamed.at("/function/name").asText());
    JsonNode finish = reply.chunkFor(0, new Done(StopReason.TOOL_CALL, STATS));
    assertEquals("tool_calls", finish.at("/choices/0/finish_reason").asText());

    JsonNode response = reply.response();
    JsonNode message = response.at("/choices/0/message");
    assertTrue(message.get("content").isNull(), "no text besides the call: content is null, as OpenAI sends");
    assertEquals("Need weather.", message.get("reasoning_content").asText());
    JsonNode toolCall = message.at("/tool_calls/0");
    assertEquals("function", toolCall.get("type").asText());
    assertEquals("get_weather", toolCall.at("/function/name").asText());
    assertEquals("{\"city\":\"Paris\"}", toolCall.at("/function/arguments").asText());
    assertEquals(streamed.get("id").asText(), toolCall.get("id").asText(), "one id, streamed or not");
    assertTrue(toolCall.get("id").asText().startsWith("call_"));
    assertEquals("tool_calls", response.at("/choices/0/finish_reason").asText());
    assertEquals(52, response.at("/usage/total_tokens").asInt());
  }

  @Test
  void answerTextAndPreamblesAreContentAndEachStopReasonHasItsFinishReason() {
    ChatReply reply = new ChatReply("m", null, false, 1);
    reply.chunkFor(0, new CommentaryDelta("Let me see. "));
    reply.chunkFor(0, new FinalDelta("Sunny."));
    reply.chunkFor(0, new Done(StopReason.STOP_TOKEN, STATS));
    assertEquals("Let me see. Sunny.", reply.response().at("/choices/0/message/content").asText());
    assertTrue(reply.response().at("/choices/0/message/reasoning_content").isMissingNode());
    assertEquals("stop", reply.finishReason(0));
    assertEquals("length", finishReason(StopReason.LENGTH));
    assertEquals("stop", finishReason(StopReason.STOP_STRING));
    assertEquals("length", finishReason(StopReason.TIMEOUT), "a deadline cuts the answer, as the token limit does");
  }

  private static String finishReason(StopReason reason) {
    ChatReply reply = new ChatReply("m", null, false, 1);
    reply.chunkFor(0, new Done(reason, STATS));
    return reply.finishReason(0);
  }
}
