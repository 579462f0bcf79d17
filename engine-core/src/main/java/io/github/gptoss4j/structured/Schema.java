package io.github.gptoss4j.structured;

import java.util.List;

/**
 * A compiled JSON Schema node: the set of JSON values the constraint lets the model write. Only what the
 * automaton needs survives compilation (annotations such as {@code description} are dropped).
 */
sealed interface Schema {

  /** Any JSON value ({@code true}, {@code {}}, or {@link JsonSchema#anyValue()}). */
  record AnyValue() implements Schema {}

  /**
   * An object with the declared properties only, each at most once, in any order.
   *
   * @param properties the declared properties, in declaration order
   */
  record ObjectOf(List<Property> properties) implements Schema {}

  /** An object whose keys are any strings and whose values are any JSON values. */
  record AnyObject() implements Schema {}

  /**
   * A declared property.
   *
   * @param name its name
   * @param key its name as a JSON string literal (quotes included), the bytes the model must write
   * @param value the schema of its value
   * @param required whether the object must have it
   */
  record Property(String name, byte[] key, Schema value, boolean required) {}

  /** An array of {@code items} with {@code minItems ≤ length ≤ maxItems}. */
  record ArrayOf(Schema items, int minItems, int maxItems) implements Schema {}

  /** A string of {@code minLength ≤ length ≤ maxLength} code points (an escape is one code point). */
  record StringOf(int minLength, int maxLength) implements Schema {}

  /** A number; an integer (no fraction, no exponent) when {@code integer}. */
  record NumberOf(boolean integer) implements Schema {}

  /**
   * One of a fixed set of values ({@code enum}, {@code const}, {@code boolean}, {@code null}), each written
   * as its compact JSON text.
   */
  record Literals(List<byte[]> values) implements Schema {}

  /** A value matching at least one of the alternatives. */
  record AnyOf(List<Schema> alternatives) implements Schema {}

  /** A {@code $ref}, resolved once the whole schema is compiled (references may be recursive). */
  final class Ref implements Schema {
    final String pointer;
    private Schema target;

    Ref(String pointer) {
      this.pointer = pointer;
    }

    Schema target() {
      return target;
    }

    void resolve(Schema schema) {
      target = schema;
    }
  }
}
