package io.github.gptoss4j.generate;

import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.DeveloperContent;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.harmony.HarmonyException;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.harmony.SystemContent;
import io.github.gptoss4j.harmony.TextContent;
import io.github.gptoss4j.harmony.ToolNamespaceConfig;
import io.github.gptoss4j.structured.ConstrainedReply;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first stage of a generation: turns a conversation and a request's settings into the prompt's tokens in
 * Harmony (the system and developer messages the request implies, the reply opening), and checks that prompt
 * and reply fit the context. Immutable; one per model.
 */
final class PromptRenderer {
  private final HarmonyEncoding harmony;
  private final int contextLimit;
  private final String contextLimitReason;
  private final int completionSuffixLength;

  PromptRenderer(HarmonyEncoding harmony, int contextLimit, String contextLimitReason) {
    this.harmony = harmony;
    this.contextLimit = contextLimit;
    this.contextLimitReason = contextLimitReason;
    this.completionSuffixLength = 1 + harmony.tokenizer().encodeOrdinary(Role.ASSISTANT.value()).length;
  }

  /**
   * A rendered prompt.
   *
   * @param tokens the whole prompt, ending with {@code <|start|>assistant} and the reply opening
   * @param sharedPrefix how many of its first tokens are the leading system and developer messages, which
   *     every conversation under the same settings starts with (the shared prefix cache keys on them)
   */
  record Prompt(int[] tokens, int sharedPrefix) {}

  /**
   * The prompt for the conversation {@code messages} under {@code request}'s system and developer settings,
   * ending with {@code <|start|>assistant} and the request's reply opening.
   */
  Prompt render(GenerationRequest request, List<Message> messages) {
    List<Message> all = new ArrayList<>();
    if (messages.stream().noneMatch(m -> m.author().role() == Role.SYSTEM)) {
      all.add(Message.of(Role.SYSTEM, system(request)));
    }
    boolean wantsDeveloper =
        request.instructions() != null || !request.functionTools().isEmpty() || request.responseFormat() != null;
    if (wantsDeveloper && messages.stream().noneMatch(m -> m.author().role() == Role.DEVELOPER)) {
      all.add(withResponseFormat(Message.of(Role.DEVELOPER, developer(request)), request));
    }
    all.addAll(messages);
    int[] prompt;
    try {
      prompt = harmony.renderConversationForCompletion(new Conversation(all), Role.ASSISTANT);
    } catch (HarmonyException e) {
      throw new GenerationException("cannot render the conversation in Harmony: " + e.getMessage());
    }
    int[] opening = replyOpening(request);
    int[] full = Arrays.copyOf(prompt, prompt.length + opening.length);
    System.arraycopy(opening, 0, full, prompt.length, opening.length);
    int shared = 0;
    for (Message m : all) {
      if (m.author().role() != Role.SYSTEM && m.author().role() != Role.DEVELOPER) {
        break;
      }
      shared += harmony.renderMessage(m).length;
    }
    // A prompt of instructions alone shares all but the token it must run for its logits.
    return new Prompt(full, Math.min(shared, full.length - 1));
  }

  private static SystemContent system(GenerationRequest request) {
    SystemContent system = SystemContent.defaults();
    if (request.reasoningEffort() != null) {
      system = system.withReasoningEffort(request.reasoningEffort());
    }
    if (request.browser() != null) {
      system = system.withTools(ToolNamespaceConfig.browser());
    }
    if (request.python() != null) {
      system = system.withTools(ToolNamespaceConfig.python());
    }
    return system;
  }

  private static DeveloperContent developer(GenerationRequest request) {
    DeveloperContent developer = DeveloperContent.empty();
    if (request.instructions() != null) {
      developer = developer.withInstructions(request.instructions());
    }
    if (!request.functionTools().isEmpty()) {
      developer = developer.withFunctionTools(request.functionTools());
    }
    return developer;
  }

  /** The developer message with the response format declared at its end, as Harmony's format guide shows. */
  private static Message withResponseFormat(Message developer, GenerationRequest request) {
    if (request.responseFormat() == null) {
      return developer;
    }
    boolean empty = request.instructions() == null && request.functionTools().isEmpty();
    return developer.addingContent(new TextContent((empty ? "" : "\n\n") + request.responseFormat().section()));
  }

  /** The header tokens after {@code <|start|>assistant} that open the reply on the request's reply channel. */
  int[] replyOpening(GenerationRequest request) {
    if (request.replyChannel() == null) {
      return new int[0];
    }
    Tokenizer tokenizer = harmony.tokenizer();
    if (request.responseFormat() != null && request.replyChannel().equals("final")) {
      return ConstrainedReply.finalJsonOpening(tokenizer); // "<|channel|>final <|constrain|>json<|message|>"
    }
    int[] channel = tokenizer.encodeOrdinary(request.replyChannel());
    int[] opening = new int[channel.length + 2];
    opening[0] = tokenizer.specialTokenId("<|channel|>");
    System.arraycopy(channel, 0, opening, 1, channel.length);
    opening[opening.length - 1] = tokenizer.specialTokenId("<|message|>");
    return opening;
  }

  /** Tokens of the {@code <|start|>assistant} that ends every prompt, before the reply opening. */
  int completionSuffixLength() {
    return completionSuffixLength;
  }

  /**
   * The tokens available for the reply, after checking that {@code promptTokens} plus {@code maxTokens} (0:
   * as many as fit) fit the context.
   */
  int checkFits(int promptTokens, int maxTokens) {
    if (maxTokens == 0) {
      if (promptTokens >= contextLimit) {
        throw new GenerationException(
            "the prompt of " + promptTokens + " tokens leaves no room for a reply within the context limit of "
                + contextLimit + " tokens (" + contextLimitReason + ")");
      }
      return contextLimit - promptTokens;
    }
    if ((long) promptTokens + maxTokens > contextLimit) {
      throw new GenerationException(
          "the prompt of " + promptTokens + " tokens plus maxTokens " + maxTokens + " exceeds the context limit of "
              + contextLimit + " tokens (" + contextLimitReason + ")");
    }
    return maxTokens;
  }
}
