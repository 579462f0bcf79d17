package io.github.gptoss4j.structured;

import io.github.gptoss4j.generate.LogitsProcessor;
import io.github.gptoss4j.harmony.HarmonyEncoding;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape an assistant reply must take in Harmony, enforced token by token as a {@link LogitsProcessor}:
 * optionally one unconstrained reasoning message on the {@code analysis} channel, then exactly one of the
 * allowed {@link Route}s: a final answer (free text, or JSON under a schema, opened with {@code <|constrain|>json}
 * as OpenAI's format describes), or a call of a declared function with JSON arguments under its parameters
 * schema. Headers are written for the model (it chooses among the routes where several are allowed), so even a
 * model that never writes Harmony, such as one with random weights, produces a well-formed reply; and the
 * token budget is kept: reasoning is closed and the JSON steered to its shortest completion in time for the
 * document to end within {@code maxTokens}.
 *
 * <pre>{@code
 * LogitsProcessor.Factory reply = ConstrainedReply.builder()
 *     .finalJson(JsonSchema.parse("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}"))
 *     .build();
 * }</pre>
 *
 * <p>{@link io.github.gptoss4j.generate.GenerationRequest.Builder#responseFormat} and {@code toolChoice} build
 * one of these; use it directly for other shapes. Immutable; each {@link #create} makes a processor for one
 * generation.
 */
public final class ConstrainedReply implements LogitsProcessor.Factory {
  private final boolean reasoning;
  private final List<RouteSpec> routes;

  private ConstrainedReply(Builder b) {
    this.reasoning = b.reasoning;
    this.routes = List.copyOf(b.routes);
  }

  /**
   * A builder: reasoning allowed, no routes yet.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** What a route's message carries, with the schema of JSON bodies (null for free text). */
  record RouteSpec(Kind kind, String function, JsonSchema body) {}

  enum Kind { FINAL, CALL }

  @Override
  public LogitsProcessor create(HarmonyEncoding harmony) {
    Tokenizer tokenizer = harmony.tokenizer();
    List<Route> compiled = new ArrayList<>();
    if (reasoning) {
      compiled.add(Route.analysis(tokenizer));
    }
    for (RouteSpec spec : routes) {
      compiled.add(spec.kind() == Kind.FINAL
          ? Route.answer(tokenizer, spec.body())
          : Route.call(tokenizer, spec.function(), spec.body()));
    }
    return new ReplyProcessor(tokenizer, Vocabulary.of(tokenizer), compiled);
  }

  /**
   * The header tokens that open a JSON final answer, {@code <|channel|>final <|constrain|>json<|message|>}: the
   * reply opening to prefill when the answer must be JSON and the reasoning is skipped.
   *
   * @param tokenizer the model's tokenizer
   * @return the opening's token ids, a new array
   */
  public static int[] finalJsonOpening(Tokenizer tokenizer) {
    return Route.answer(tokenizer, JsonSchema.anyValue()).header();
  }

  /** Collects the allowed routes. */
  public static final class Builder {
    private boolean reasoning = true;
    private final List<RouteSpec> routes = new ArrayList<>();

    private Builder() {}

    /**
     * Whether one unconstrained {@code analysis} message may come first (default true).
     *
     * @param allowed true to allow one reasoning message before the answer or call, false to forbid it
     * @return this builder
     */
    public Builder reasoning(boolean allowed) {
      reasoning = allowed;
      return this;
    }

    /**
     * Allows a final answer that is JSON valid under {@code schema}.
     *
     * @param schema the schema the answer must be valid under, not null
     * @return this builder
     * @throws SchemaException if {@code schema} is null
     */
    public Builder finalJson(JsonSchema schema) {
      routes.add(new RouteSpec(Kind.FINAL, null, require(schema, "final answer schema")));
      return this;
    }

    /**
     * Allows a final answer of free text.
     *
     * @return this builder
     */
    public Builder finalText() {
      routes.add(new RouteSpec(Kind.FINAL, null, null));
      return this;
    }

    /**
     * Allows a call of {@code functions.NAME} whose arguments are JSON valid under {@code arguments}.
     *
     * @param name the function's name: letters, digits and {@code _}, not starting with a digit
     * @param arguments the schema its arguments must be valid under, not null
     * @return this builder
     * @throws SchemaException if the name is not an identifier
     */
    public Builder function(String name, JsonSchema arguments) {
      if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new SchemaException("function name " + (name == null ? "null" : "'" + name + "'")
            + " must be an identifier (letters, digits, _; not starting with a digit)");
      }
      routes.add(new RouteSpec(Kind.CALL, name, require(arguments, "arguments schema of " + name)));
      return this;
    }

    /**
     * The reply shape.
     *
     * @return the immutable reply shape, usable as a {@link LogitsProcessor.Factory}
     * @throws SchemaException if no final answer or call is allowed
     */
    public ConstrainedReply build() {
      if (routes.isEmpty()) {
        throw new SchemaException("a constrained reply needs at least one final answer or function call to end with");
      }
      return new ConstrainedReply(this);
    }

    private static <T> T require(T value, String what) {
      if (value == null) {
        throw new SchemaException(what + " must not be null");
      }
      return value;
    }
  }
}
