package io.github.gptoss4j.generate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gptoss4j.harmony.Author;
import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.Message;
import io.github.gptoss4j.harmony.ReasoningEffort;
import io.github.gptoss4j.harmony.Role;
import io.github.gptoss4j.harmony.ToolDescription;
import io.github.gptoss4j.structured.ConstrainedReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn of a {@link ChatSession}: the messages to add to its conversation (a user message, a tool's result)
 * and how to generate the reply. Immutable; build with {@link #builder()}, which validates everything up
 * front:
 *
 * <pre>{@code
 * GenerationRequest request = GenerationRequest.builder()
 *     .instructions("Answer in one sentence.")
 *     .user("What is the capital of France?")
 *     .reasoningEffort(ReasoningEffort.LOW)
 *     .maxTokens(256)
 *     .sampling(SamplingOptions.builder().temperature(0.7).seed(42).build())
 *     .build();
 * }</pre>
 *
 * <p>Unless the conversation has its own system and developer messages, the session renders a system message
 * (reasoning effort, built-in tools) and, when there are instructions or function tools, a developer message
 * ahead of it on every turn, as Harmony expects.
 */
public final class GenerationRequest {
  /** Most tool rounds a single call runs automatically for built-in tools with handlers. */
  public static final int MAX_AUTO_TOOL_ROUNDS = 16;

  private final List<Message> messages;
  private final Conversation conversation;
  private final ReasoningEffort reasoningEffort;
  private final String instructions;
  private final List<ToolDescription> functionTools;
  private final ToolHandler browser;
  private final ToolHandler python;
  private final int maxTokens;
  private final List<String> stopStrings;
  private final int[] stopTokenIds;
  private final SamplingOptions sampling;
  private final Duration timeout;
  private final String replyChannel;
  private final Map<Integer, Float> logitBias;
  private final List<LogitsProcessor.Factory> logitsProcessors;
  private final ResponseFormat responseFormat;
  private final ToolChoice toolChoice;
  private final ConstrainedReply constraint;
  private final Speculation speculation;

  private GenerationRequest(Builder b) {
    this.messages = List.copyOf(b.messages);
    this.conversation = b.conversation;
    this.reasoningEffort = b.reasoningEffort;
    this.instructions = b.instructions;
    this.functionTools = List.copyOf(b.functionTools.values());
    this.browser = b.browser;
    this.python = b.python;
    this.maxTokens = b.maxTokens;
    this.stopStrings = List.copyOf(b.stopStrings);
    this.stopTokenIds = b.stopTokenIds.stream().mapToInt(Integer::intValue).toArray();
    this.sampling = b.sampling;
    this.timeout = b.timeout;
    this.replyChannel = b.replyChannel;
    this.logitBias = Map.copyOf(b.logitBias);
    this.logitsProcessors = List.copyOf(b.logitsProcessors);
    this.responseFormat = b.responseFormat;
    this.toolChoice = b.toolChoice;
    this.speculation = b.speculation;
    this.constraint = StructuredReply.of(responseFormat, toolChoice, functionTools, replyChannel);
  }

  /**
   * A builder with the defaults listed on {@link Builder}.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder with this request's settings (instructions, tools and handlers, reasoning effort, limits, stop
   * conditions, sampling) and no messages: the next turn of the same conversation, e.g. a tool's result.
   * Keeping the settings keeps the rendered system and developer messages, so the session's cache is reused.
   *
   * @return a new builder carrying this request's settings (not its messages, conversation or tool choice)
   */
  public Builder followUp() {
    Builder b = new Builder();
    b.reasoningEffort = reasoningEffort;
    b.instructions = instructions;
    functionTools.forEach(t -> b.functionTools.put(t.name(), t));
    b.browser = browser;
    b.python = python;
    b.maxTokens = maxTokens;
    b.stopStrings.addAll(stopStrings);
    for (int id : stopTokenIds) {
      b.stopTokenIds.add(id);
    }
    b.sampling = sampling;
    b.timeout = timeout;
    b.replyChannel = replyChannel;
    b.responseFormat = responseFormat; // the tool choice is per turn: a forced call would repeat after its result
    b.logitBias.putAll(logitBias);
    b.logitsProcessors.addAll(logitsProcessors);
    b.speculation = speculation;
    return b;
  }

  /**
   * Messages appended to the session's conversation before generating.
   *
   * @return an immutable list, possibly empty
   */
  public List<Message> messages() {
    return messages;
  }

  /**
   * The conversation that replaces the session's, or null to continue the session's.
   *
   * @return the replacing conversation, or null
   */
  public Conversation conversation() {
    return conversation;
  }

  /**
   * How much the model reasons; null for Harmony's default (medium).
   *
   * @return the effort, or null
   */
  public ReasoningEffort reasoningEffort() {
    return reasoningEffort;
  }

  /**
   * The developer's instructions, or null.
   *
   * @return the instructions text, or null
   */
  public String instructions() {
    return instructions;
  }

  /**
   * Function tools the model may call (rendered in the developer message).
   *
   * @return an immutable list in declaration order, possibly empty
   */
  public List<ToolDescription> functionTools() {
    return functionTools;
  }

  /**
   * Handler of the built-in browser tool, or null when the browser is not offered.
   *
   * @return the browser handler, or null
   */
  public ToolHandler browser() {
    return browser;
  }

  /**
   * Handler of the built-in python tool, or null when python is not offered.
   *
   * @return the python handler, or null
   */
  public ToolHandler python() {
    return python;
  }

  /**
   * Most tokens to generate; 0 means until the context is full.
   *
   * @return the limit in tokens, or 0 for none
   */
  public int maxTokens() {
    return maxTokens;
  }

  /**
   * Strings that end generation when the final text reaches them.
   *
   * @return an immutable list in the order added, possibly empty
   */
  public List<String> stopStrings() {
    return stopStrings;
  }

  /**
   * Token ids that end generation besides Harmony's {@code <|return|>} and {@code <|call|>}.
   *
   * @return a copy of the ids in the order added, possibly empty
   */
  public int[] stopTokenIds() {
    return stopTokenIds.clone();
  }

  /**
   * How tokens are chosen.
   *
   * @return the sampling options; never null (the defaults when none were set)
   */
  public SamplingOptions sampling() {
    return sampling;
  }

  /**
   * Longest the call may take, or null for no limit.
   *
   * @return the timeout, or null
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The channel the reply is opened on, or null to let the model write the reply's header itself. When set,
   * the prompt ends with {@code <|start|>assistant<|channel|>CHANNEL<|message|>}, so the model's first token
   * is already content of that channel (e.g. {@code final} to skip the reasoning, or to get readable text from
   * a model that does not write Harmony headers, such as one with random weights).
   *
   * @return {@code analysis}, {@code commentary}, {@code final}, or null
   */
  public String replyChannel() {
    return replyChannel;
  }

  /**
   * Bias added to the logits of tokens at every step, by token id (OpenAI's {@code logit_bias}).
   *
   * @return an immutable map from token id to the bias in logits, each in [-100, 100]; possibly empty
   */
  public Map<Integer, Float> logitBias() {
    return logitBias;
  }

  /**
   * The format the final answer must have, or null for free text.
   *
   * @return the response format, or null
   */
  public ResponseFormat responseFormat() {
    return responseFormat;
  }

  /**
   * Which function tools the reply must call, or null when the reply's structure is not constrained.
   *
   * @return the tool choice, or null
   */
  public ToolChoice toolChoice() {
    return toolChoice;
  }

  /**
   * Speculative decoding for this request, or null for the model's ({@link ModelOptions#speculation()}).
   *
   * @return the request's speculation, or null
   */
  public Speculation speculation() {
    return speculation;
  }

  /** The structured-output processor of {@link #responseFormat()} and {@link #toolChoice()}, or null. */
  ConstrainedReply constraint() {
    return constraint;
  }

  /**
   * The request's own logits processors, in the order they run: after the logit bias and the penalties, before
   * the sampler (see {@link LogitsProcessor}).
   *
   * @return an immutable list of the factories in the order added, possibly empty
   */
  public List<LogitsProcessor.Factory> logitsProcessors() {
    return logitsProcessors;
  }

  /** This request for choice {@code i} of several: with a seed, sampling with seed + i. */
  GenerationRequest forChoice(int i) {
    if (sampling.seed().isEmpty()) {
      return this;
    }
    Builder b = followUp();
    b.messages.addAll(messages);
    b.conversation = conversation;
    b.toolChoice = toolChoice; // the same turn: every choice is constrained as choice 0 is
    b.sampling = sampling.toBuilder().seed(sampling.seed().getAsLong() + i).build();
    return b.build();
  }

  boolean isStopToken(int token) {
    for (int id : stopTokenIds) {
      if (id == token) {
        return true;
      }
    }
    return false;
  }

  /** The handler for a built-in tool recipient ({@code browser.*}, {@code python}), or null. */
  ToolHandler handlerFor(String recipient) {
    if (recipient == null) {
      return null;
    }
    if (recipient.startsWith("browser.")) {
      return browser;
    }
    return recipient.equals("python") ? python : null;
  }

  /**
   * Collects a request. Defaults: no messages, the session's conversation, Harmony's default reasoning effort,
   * no instructions or tools, generate until the context is full, no stop strings or extra stop tokens,
   * {@link SamplingOptions} defaults (temperature 1, random seed), no timeout.
   */
  public static final class Builder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MAX_LOGIT_BIAS = 100;

    private final List<Message> messages = new ArrayList<>();
    private Conversation conversation;
    private ReasoningEffort reasoningEffort;
    private String instructions;
    private final Map<String, ToolDescription> functionTools = new LinkedHashMap<>();
    private ToolHandler browser;
    private ToolHandler python;
    private int maxTokens;
    private final List<String> stopStrings = new ArrayList<>();
    private final List<Integer> stopTokenIds = new ArrayList<>();
    private SamplingOptions sampling = SamplingOptions.builder().build();
    private Duration timeout;
    private String replyChannel;
    private final Map<Integer, Float> logitBias = new LinkedHashMap<>();
    private final List<LogitsProcessor.Factory> logitsProcessors = new ArrayList<>();
    private ResponseFormat responseFormat;
    private ToolChoice toolChoice;
    private Speculation speculation;

    private Builder() {}

    /**
     * Appends a user message to the conversation.
     *
     * @param text the user's message, not null
     * @return this builder
     */
    public Builder user(String text) {
      return message(Message.of(Role.USER, require(text, "user text")));
    }

    /**
     * Appends any message (e.g. one built with Harmony's {@link Message} API).
     *
     * @param message the message to append, not null
     * @return this builder
     */
    public Builder message(Message message) {
      messages.add(require(message, "message"));
      return this;
    }

    /**
     * Appends a tool call the assistant made in an earlier turn (e.g. one a framework replays from its chat
     * history): a message from the assistant to {@code call.recipient()} on the commentary channel, with its
     * content type, as Harmony renders past calls. Its result follows with {@link #toolResult}.
     *
     * @param call the earlier call (recipient, arguments and content type), not null
     * @return this builder
     */
    public Builder toolCall(GenerationEvent.ToolCall call) {
      require(call, "tool call");
      Message message = Message.of(Role.ASSISTANT, require(call.arguments(), "tool call arguments"))
          .withChannel("commentary")
          .withRecipient(require(call.recipient(), "tool call recipient"));
      return message(call.contentType() == null ? message : message.withContentType(call.contentType()));
    }

    /**
     * Appends the result of a tool the model called: a message from the tool, addressed to the assistant on the
     * commentary channel, as Harmony renders tool output.
     *
     * @param call the call being answered; its recipient becomes the tool message's author
     * @param output what the tool returned, as text (often JSON); not null
     * @return this builder
     */
    public Builder toolResult(GenerationEvent.ToolCall call, String output) {
      require(call, "tool call");
      return message(toolMessage(call.recipient(), require(output, "tool output")));
    }

    /**
     * Replaces the session's conversation with {@code conversation} (e.g. one read from Harmony JSON). When it
     * starts with a system message, that one is used and {@link #reasoningEffort} and the built-in tools must
     * not be set; likewise a developer message in it excludes {@link #instructions} and function tools.
     *
     * @param conversation the whole conversation to continue from, not null
     * @return this builder
     */
    public Builder conversation(Conversation conversation) {
      this.conversation = require(conversation, "conversation");
      return this;
    }

    /**
     * See {@link GenerationRequest#reasoningEffort()}.
     *
     * @param value the reasoning effort, not null
     * @return this builder
     */
    public Builder reasoningEffort(ReasoningEffort value) {
      reasoningEffort = require(value, "reasoningEffort");
      return this;
    }

    /**
     * See {@link GenerationRequest#instructions()}.
     *
     * @param value the developer instructions, not null
     * @return this builder
     */
    public Builder instructions(String value) {
      instructions = require(value, "instructions");
      return this;
    }

    /**
     * Offers a function tool {@code functions.NAME}; a call to it ends generation with {@link
     * StopReason#TOOL_CALL}.
     *
     * @param name the function's name: letters, digits and {@code _}, not starting with a digit
     * @param description what the function does, shown to the model; not null
     * @return this builder
     * @param parametersJsonSchema the JSON schema of its argument object, or null for none
     * @throws GenerationException if the name is not an identifier, is offered twice, or the schema is not a
     *     JSON object
     */
    public Builder functionTool(String name, String description, String parametersJsonSchema) {
      require(name, "function tool name");
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new GenerationException(
            "function tool name '" + name + "' must be an identifier (letters, digits, _; not starting with a digit)");
      }
      if (functionTools.containsKey(name)) {
        throw new GenerationException("function tool '" + name + "' is declared twice");
      }
      JsonNode schema = null;
      if (parametersJsonSchema != null) {
        try {
          schema = JSON.readTree(parametersJsonSchema);
        } catch (JacksonException e) {
          throw new GenerationException(
              "parameters of function tool '" + name + "' are not valid JSON: " + e.getOriginalMessage());
        }
        if (schema == null || !schema.isObject()) {
          throw new GenerationException(
              "parameters of function tool '" + name + "' must be a JSON schema object, got: " + parametersJsonSchema);
        }
      }
      functionTools.put(name, new ToolDescription(name, require(description, "function tool description"), schema));
      return this;
    }

    /**
     * Offers the built-in browser tool; the session runs {@code handler} for each call and continues.
     *
     * @param handler runs each browser call and returns its output, not null
     * @return this builder
     */
    public Builder browser(ToolHandler handler) {
      browser = require(handler, "browser handler");
      return this;
    }

    /**
     * Offers the built-in python tool; the session runs {@code handler} for each call and continues.
     *
     * @param handler runs each python call and returns its output, not null
     * @return this builder
     */
    public Builder python(ToolHandler handler) {
      python = require(handler, "python handler");
      return this;
    }

    /**
     * See {@link GenerationRequest#maxTokens()}; at least 1.
     *
     * @param value the most tokens to generate, at least 1
     * @return this builder
     * @throws GenerationException if {@code value < 1}
     */
    public Builder maxTokens(int value) {
      if (value < 1) {
        throw new GenerationException("maxTokens must be >= 1, got " + value);
      }
      maxTokens = value;
      return this;
    }

    /**
     * Adds a stop string (not empty); see {@link StopReason#STOP_STRING}.
     *
     * @param value the stop string, neither null nor empty
     * @return this builder
     * @throws GenerationException if {@code value} is null or empty
     */
    public Builder stopString(String value) {
      if (value == null || value.isEmpty()) {
        throw new GenerationException("stop string must not be " + (value == null ? "null" : "empty"));
      }
      stopStrings.add(value);
      return this;
    }

    /**
     * Adds a token id that ends generation (checked against the vocabulary when generating).
     *
     * @param id the token id, not negative
     * @return this builder
     * @throws GenerationException if {@code id} is negative
     */
    public Builder stopTokenId(int id) {
      if (id < 0) {
        throw new GenerationException("stop token id must be >= 0, got " + id);
      }
      stopTokenIds.add(id);
      return this;
    }

    /**
     * Adds {@code bias} to token {@code id}'s logit at every step (see {@link GenerationRequest#logitBias()});
     * a second call for the same token replaces the first. The id is checked against the vocabulary when
     * generating.
     *
     * @param id the token id, not negative
     * @param bias the value added to the logit, in [-100, 100]; -100 all but bans the token
     * @return this builder
     * @throws GenerationException if {@code id} is negative or {@code bias} is outside [-100, 100]
     */
    public Builder logitBias(int id, double bias) {
      if (id < 0) {
        throw new GenerationException("logit bias token id must be >= 0, got " + id);
      }
      if (!(Math.abs(bias) <= MAX_LOGIT_BIAS)) {
        throw new GenerationException("logit bias of token " + id + " must be in [-100, 100], got " + bias);
      }
      logitBias.put(id, (float) bias);
      return this;
    }

    /**
     * The final answer must be JSON of this format: decoding is constrained (after the other processors) so it
     * always parses and validates, and closes within {@link #maxTokens}; reasoning stays unconstrained. See
     * docs/structured-output.md.
     *
     * @param format the required format, not null
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat format) {
      responseFormat = require(format, "responseFormat");
      return this;
    }

    /**
     * Whether the reply must call a function tool: {@link ToolChoice#required()}, {@link
     * ToolChoice#function(String)}, {@link ToolChoice#none()} or {@link ToolChoice#auto()}. Any of them
     * constrains the reply's structure: calls address declared functions only, with arguments valid under their
     * parameters schemas. Not kept by {@link GenerationRequest#followUp()}.
     *
     * @param choice the tool choice, not null
     * @return this builder
     */
    public Builder toolChoice(ToolChoice choice) {
      toolChoice = require(choice, "toolChoice");
      return this;
    }

    /**
     * Appends a logits processor to the request's chain (see {@link GenerationRequest#logitsProcessors()}).
     *
     * @param factory makes the processor of each generation, not null
     * @return this builder
     */
    public Builder logitsProcessor(LogitsProcessor.Factory factory) {
      logitsProcessors.add(require(factory, "logits processor"));
      return this;
    }

    /**
     * See {@link GenerationRequest#sampling()}.
     *
     * @param value the sampling options, not null
     * @return this builder
     */
    public Builder sampling(SamplingOptions value) {
      sampling = require(value, "sampling");
      return this;
    }

    /**
     * Speculative decoding for this request, overriding the model's {@link ModelOptions#speculation()}; e.g.
     * {@code Speculation.promptLookup(4)}, or {@link Speculation#OFF}. The tokens are the same either way; see
     * {@link Speculation}.
     *
     * @param value the speculation to use, not null
     * @return this builder
     */
    public Builder speculation(Speculation value) {
      speculation = require(value, "speculation");
      return this;
    }

    /**
     * See {@link GenerationRequest#timeout()}; positive.
     *
     * @param value the time limit, positive
     * @return this builder
     * @throws GenerationException if {@code value} is null, zero or negative
     */
    public Builder timeout(Duration value) {
      require(value, "timeout");
      if (value.isNegative() || value.isZero()) {
        throw new GenerationException("timeout must be positive, got " + value);
      }
      timeout = value;
      return this;
    }

    /**
     * See {@link GenerationRequest#replyChannel()}.
     *
     * @param channel {@code analysis}, {@code commentary} or {@code final}
     * @return this builder
     * @throws GenerationException unless {@code channel} is {@code analysis}, {@code commentary} or {@code final}
     */
    public Builder replyChannel(String channel) {
      if (!List.of("analysis", "commentary", "final").contains(channel)) {
        throw new GenerationException(
            "replyChannel must be analysis, commentary or final, got " + (channel == null ? "null" : "'" + channel + "'"));
      }
      replyChannel = channel;
      return this;
    }

    /**
     * The request.
     *
     * @return a new immutable request; the builder can be reused
     * @throws GenerationException if the conversation's own system or
     *     developer message conflicts with an option
     */
    public GenerationRequest build() {
      if (conversation != null) {
        boolean hasSystem = conversation.messages().stream().anyMatch(m -> m.author().role() == Role.SYSTEM);
        boolean hasDeveloper = conversation.messages().stream().anyMatch(m -> m.author().role() == Role.DEVELOPER);
        if (hasSystem && (reasoningEffort != null || browser != null || python != null)) {
          throw new GenerationException(
              "reasoningEffort, browser and python cannot be set when the conversation has its own system message");
        }
        if (hasDeveloper && (instructions != null || !functionTools.isEmpty())) {
          throw new GenerationException(
              "instructions and function tools cannot be set when the conversation has its own developer message");
        }
      }
      return new GenerationRequest(this);
    }

    static Message toolMessage(String recipient, String output) {
      return Message.of(new Author(Role.TOOL, recipient), output).withRecipient("assistant").withChannel("commentary");
    }

    private static <T> T require(T value, String what) {
      if (value == null) {
        throw new GenerationException(what + " must not be null");
      }
      return value;
    }
  }
}
