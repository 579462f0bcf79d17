/**
 * Structured output: replies constrained token by token to a shape.
 *
 * <p>{@link io.github.gptoss4j.structured.JsonSchema} compiles a JSON Schema (a documented subset of draft
 * 2020-12; anything else is refused with its JSON pointer, as a
 * {@link io.github.gptoss4j.structured.SchemaException}) into a grammar, and
 * {@link io.github.gptoss4j.structured.ConstrainedReply} enforces it as the last logits processor, Harmony
 * headers included. Most applications reach it through the request's response format and tool choice
 * (docs/structured-output.md) rather than directly.
 */
package io.github.gptoss4j.structured;
