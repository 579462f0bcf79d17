package io.github.gptoss4j.harmony;

import io.github.gptoss4j.tokenizer.Tokenizer;
import io.github.gptoss4j.tokenizer.TokenizerException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Harmony format of gpt-oss (harmony's {@code HarmonyGptOss} encoding over o200k_harmony): renders
 * conversations to token ids for the model and parses the model's tokens back into messages.
 *
 * <p>Rendering is token-exact with openai/harmony: formatting tokens ({@code <|start|>}, {@code <|channel|>},
 * ...) become their special ids and every text piece (role, recipient, channel, content) is encoded on its
 * own with ordinary encoding, so text that spells a special token stays text.
 *
 * <pre>{@code
 * HarmonyEncoding harmony = HarmonyEncoding.gptOss();
 * int[] prompt = harmony.renderConversationForCompletion(conversation, Role.ASSISTANT);
 * // ... generate until one of harmony.stopTokensForAssistantActions() ...
 * List<Message> reply = harmony.parseMessagesFromCompletionTokens(generated, Role.ASSISTANT);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HarmonyEncoding {

  private final Tokenizer tokenizer;
  private final Map<FormattingToken, Integer> ids = new EnumMap<>(FormattingToken.class);

  private HarmonyEncoding(Tokenizer tokenizer) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    for (FormattingToken token : FormattingToken.values()) {
      try {
        ids.put(token, tokenizer.specialTokenId(token.text));
      } catch (TokenizerException e) {
        throw new HarmonyException("the tokenizer has no special token " + token.text + " that Harmony needs", e);
      }
    }
  }

  private static final class Default {
    static final HarmonyEncoding INSTANCE = new HarmonyEncoding(Tokenizer.o200kHarmony());
  }

  /**
   * Harmony for gpt-oss over the embedded o200k_harmony tokenizer (loaded once, shared).
   *
   * @return the shared encoding for gpt-oss
   */
  public static HarmonyEncoding gptOss() {
    return Default.INSTANCE;
  }

  /**
   * Harmony over {@code tokenizer}, which must have Harmony's special tokens.
   *
   * @param tokenizer a tokenizer with Harmony's special tokens, such as {@link Tokenizer#o200kHarmony()}
   * @return a new encoding over {@code tokenizer}
   * @throws HarmonyException if a formatting token is missing from the tokenizer
   */
  public static HarmonyEncoding of(Tokenizer tokenizer) {
    return new HarmonyEncoding(tokenizer);
  }

  /**
   * The tokenizer the ids come from.
   *
   * @return the tokenizer given to {@link #of(Tokenizer)} (or the embedded one for {@link #gptOss()})
   */
  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * Renders the conversation as it is, with {@link RenderConversationConfig#DEFAULT}.
   *
   * @param conversation the messages to render, not null
   * @return the prompt's token ids, a new array
   */
  public int[] renderConversation(Conversation conversation) {
    return renderConversation(conversation, RenderConversationConfig.DEFAULT);
  }

  /**
   * Renders the conversation as it is.
   *
   * @param conversation the messages to render, not null
   * @param config rendering options, not null
   * @return the prompt's token ids, a new array
   * @throws HarmonyException if a message cannot be rendered (e.g. a tool message without a name)
   */
  public int[] renderConversation(Conversation conversation, RenderConversationConfig config) {
    return ids(HarmonyRenderer.conversation(conversation, config.autoDropAnalysis()));
  }

  /**
   * Renders the conversation followed by {@code <|start|>ROLE}, with {@link RenderConversationConfig#DEFAULT}.
   *
   * @param conversation the messages so far, not null
   * @param nextRole the role of the message the model is to write, usually {@link Role#ASSISTANT}
   * @return the prompt's token ids, ending with the next message's {@code <|start|>ROLE}
   */
  public int[] renderConversationForCompletion(Conversation conversation, Role nextRole) {
    return renderConversationForCompletion(conversation, nextRole, RenderConversationConfig.DEFAULT);
  }

  /**
   * Renders the conversation followed by {@code <|start|>ROLE}: the prompt from which the model writes
   * the next message as {@code nextRole}.
   *
   * @param conversation the messages so far, not null
   * @param nextRole the role of the message the model is to write, usually {@link Role#ASSISTANT}
   * @param config rendering options, not null
   * @return the prompt's token ids, ending with the next message's {@code <|start|>ROLE}
   * @throws HarmonyException if a message cannot be rendered
   */
  public int[] renderConversationForCompletion(
      Conversation conversation, Role nextRole, RenderConversationConfig config) {
    return ids(HarmonyRenderer.forCompletion(conversation, nextRole, config.autoDropAnalysis()));
  }

  /**
   * Renders for training with {@link RenderConversationConfig#DEFAULT}.
   *
   * @param conversation the messages to render, not null
   * @return the token ids, a new array
   */
  public int[] renderConversationForTraining(Conversation conversation) {
    return renderConversationForTraining(conversation, RenderConversationConfig.DEFAULT);
  }

  /**
   * Renders the conversation for training: as {@link #renderConversation}, but if the last message is the
   * assistant's {@code final} answer it ends with {@code <|return|>} instead of {@code <|end|>}.
   *
   * @param conversation the messages to render, not null
   * @param config rendering options, not null
   * @return the token ids, a new array
   * @throws HarmonyException if a message cannot be rendered
   */
  public int[] renderConversationForTraining(Conversation conversation, RenderConversationConfig config) {
    return ids(HarmonyRenderer.forTraining(conversation, config.autoDropAnalysis()));
  }

  /**
   * Renders one message on its own (harmony's {@code render}; no function-tools context).
   *
   * @param message the message to render, not null
   * @return its token ids from {@code <|start|>} to its end token, a new array
   * @throws HarmonyException if the message cannot be rendered
   */
  public int[] renderMessage(Message message) {
    return ids(HarmonyRenderer.message(message));
  }

  /**
   * The text of {@link #renderConversationForCompletion(Conversation, Role, RenderConversationConfig)},
   * special tokens spelled out, e.g. {@code <|start|>user<|message|>Hi<|end|><|start|>assistant}.
   *
   * @param conversation the messages so far, not null
   * @param nextRole the role of the message the model is to write
   * @param config rendering options, not null
   * @return the decoded prompt text
   * @throws HarmonyException if a message cannot be rendered
   */
  public String renderConversationForCompletionText(
      Conversation conversation, Role nextRole, RenderConversationConfig config) {
    return HarmonyRenderer.text(HarmonyRenderer.forCompletion(conversation, nextRole, config.autoDropAnalysis()));
  }

  /**
   * The text of {@link #renderConversation(Conversation, RenderConversationConfig)}.
   *
   * @param conversation the messages to render, not null
   * @param config rendering options, not null
   * @return the decoded text of the rendered tokens
   * @throws HarmonyException if a message cannot be rendered
   */
  public String renderConversationText(Conversation conversation, RenderConversationConfig config) {
    return HarmonyRenderer.text(HarmonyRenderer.conversation(conversation, config.autoDropAnalysis()));
  }

  /**
   * Tokens that end a message in the model's output: {@code <|return|>}, {@code <|call|>} and
   * {@code <|end|>} (harmony's {@code stop_tokens}); the parser closes a message on any of them.
   *
   * @return the three ids, a new array each call
   */
  public int[] stopTokens() {
    return new int[] {id(FormattingToken.RETURN), id(FormattingToken.CALL), id(FormattingToken.END)};
  }

  /**
   * Tokens at which generation should stop: {@code <|return|>} (final answer done) and {@code <|call|>}
   * (a tool must run) — harmony's {@code stop_tokens_for_assistant_actions}. {@code <|end|>} only separates
   * the assistant's messages within one reply.
   *
   * @return the two ids, a new array each call
   */
  public int[] stopTokensForAssistantActions() {
    return new int[] {id(FormattingToken.RETURN), id(FormattingToken.CALL)};
  }

  /**
   * Parses a whole completion in strict mode; see {@link #parseMessagesFromCompletionTokens(int[], Role, boolean)}.
   *
   * @param tokens the generated ids; a trailing stop token is optional
   * @param role the role of the first message when the completion starts after {@code <|start|>ROLE}, or null when
   *     it starts with {@code <|start|>}
   * @return the parsed messages in order, possibly empty
   * @throws HarmonyException for a malformed sequence, naming the token or header text
   */
  public List<Message> parseMessagesFromCompletionTokens(int[] tokens, Role role) {
    return parseMessagesFromCompletionTokens(tokens, role, true);
  }

  /**
   * Parses the model's tokens (without the prompt) into messages.
   *
   * @return the parsed messages in order, possibly empty
   * @param tokens the generated ids; a trailing stop token is optional
   * @param role the role of the first message when the completion starts after {@code <|start|>ROLE}, or
   *     null when it starts with {@code <|start|>}
   * @param strict whether a header without {@code <|message|>} is an error (true) or recovered as
   *     harmony does (false)
   * @throws HarmonyException for a malformed sequence, naming the token or header text
   */
  public List<Message> parseMessagesFromCompletionTokens(int[] tokens, Role role, boolean strict) {
    StreamableParser parser = new StreamableParser(this, role, strict);
    for (int token : tokens) {
      parser.process(token);
    }
    parser.processEos();
    return parser.messages();
  }

  int id(FormattingToken token) {
    return ids.get(token);
  }

  private int[] ids(List<Piece> pieces) {
    int total = 0;
    int[][] parts = new int[pieces.size()][];
    for (int i = 0; i < parts.length; i++) {
      Piece piece = pieces.get(i);
      parts[i] = piece.token() != null ? new int[] {id(piece.token())} : tokenizer.encodeOrdinary(piece.text());
      total += parts[i].length;
    }
    int[] out = new int[total];
    int at = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
