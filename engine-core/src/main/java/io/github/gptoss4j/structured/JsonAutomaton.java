package io.github.gptoss4j.structured;

import io.github.gptoss4j.structured.Schema.AnyObject;
import io.github.gptoss4j.structured.Schema.AnyOf;
import io.github.gptoss4j.structured.Schema.AnyValue;
import io.github.gptoss4j.structured.Schema.ArrayOf;
import io.github.gptoss4j.structured.Schema.Literals;
import io.github.gptoss4j.structured.Schema.NumberOf;
import io.github.gptoss4j.structured.Schema.ObjectOf;
import io.github.gptoss4j.structured.Schema.Property;
import io.github.gptoss4j.structured.Schema.Ref;
import io.github.gptoss4j.structured.Schema.StringOf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A pushdown automaton over the bytes of a JSON document valid under a {@link Grammar}. A state is a set of
 * {@link Thread}s (several while {@code anyOf} alternatives are undecided); each thread is an immutable stack
 * of frames, so a trie walk can branch from any state without copying. Every thread knows its shortest
 * completion in bytes, which budget steering uses.
 */
final class JsonAutomaton {
  private static final ArrayOf ANY_ARRAY = new ArrayOf(new AnyValue(), 0, Integer.MAX_VALUE);
  private static final byte[][] TRUE_FALSE_NULL = {bytes("true"), bytes("false"), bytes("null")};

  final Grammar grammar;

  JsonAutomaton(Grammar grammar) {
    this.grammar = grammar;
  }

  /** One way the document may go on: frames, innermost on top, and the bytes that finish them all. */
  static final class Thread {
    /** The document is complete and nothing may follow. */
    static final Thread DONE = new Thread(null, null, 0);

    final Frame top;
    final Thread below;
    final int shortest;

    private Thread(Frame top, Thread below, int shortest) {
      this.top = top;
      this.below = below;
      this.shortest = shortest;
    }

    /** Whether the document may end here. */
    boolean complete() {
      return shortest == 0;
    }
  }

  /** Where a thread is inside the innermost value it is reading. */
  sealed interface Frame {}

  /** Before a value (whitespace may come first). */
  record ValueStart(Schema schema) implements Frame {}

  /** Inside an object with declared properties. */
  record InObject(ObjectOf schema, long seen, ObjectPhase phase, long candidates, int pos, int property) implements Frame {}

  /** Inside an object of any keys and values. */
  record InFreeObject(ObjectPhase phase) implements Frame {}

  /** Inside an array of {@code count} elements so far. */
  record InArray(ArrayOf schema, int count, ArrayPhase phase) implements Frame {}

  /** Inside a string's body: {@code count} characters begun, {@code state} a {@link Utf8String} state. */
  record InString(int minLength, int maxLength, int count, int state) implements Frame {}

  /** Inside a number: {@code state} a {@link JsonNumber} state. */
  record InNumber(boolean integer, int state) implements Frame {}

  /** Inside one of several literal texts, {@code pos} bytes matched. */
  record InLiteral(byte[][] candidates, int pos) implements Frame {}

  /**
   * Inside whitespace between tokens, {@code length} bytes so far: a space or newline and then at most {@link
   * #MAX_INDENT} spaces or tabs, as llama.cpp's JSON grammar bounds it, so a model cannot pad forever.
   */
  record InWhitespace(int length) implements Frame {}

  static final int MAX_INDENT = 20;

  enum ObjectPhase { OPEN, KEY, IN_KEY, COLON, AFTER_VALUE }

  enum ArrayPhase { OPEN, NEXT, AFTER_VALUE }

  /** The state before the first byte. */
  Thread start() {
    return push(new ValueStart(grammar.root), null);
  }

  /** Adds to {@code out} the threads {@code thread} becomes after byte {@code b} (0..255); none if it dies. */
  void step(Thread thread, int b, Threads out) {
    step(thread, b, true, out);
  }

  /** As {@link #step(Thread, int, Threads)}; {@code whitespace}: whether {@code b} may start whitespace. */
  private void step(Thread thread, int b, boolean whitespace, Threads out) {
    if (thread == Thread.DONE) {
      return;
    }
    Thread below = thread.below;
    if (whitespace && (b == ' ' || b == '\n') && takesWhitespace(thread)) {
      out.add(push(new InWhitespace(1), thread));
      return;
    }
    switch (thread.top) {
      case InWhitespace w -> {
        if ((b == ' ' || b == '\t') && w.length() <= MAX_INDENT) {
          out.add(push(new InWhitespace(w.length() + 1), below));
        } else {
          step(below, b, false, out); // the run is over: b belongs to the frame it stood in
        }
      }
      case ValueStart v -> startValue(v.schema(), below, b, out);
      case InString s -> string(s, below, b, out);
      case InNumber n -> {
        int next = JsonNumber.step(n.state(), b, n.integer());
        if (next >= 0) {
          out.add(push(new InNumber(n.integer(), next), below));
        } else if (JsonNumber.complete(n.state())) {
          afterValue(below, b, out);
        }
      }
      case InLiteral l -> literal(l.candidates(), l.pos(), below, b, out);
      case InObject o -> object(o, below, b, out);
      case InFreeObject o -> freeObject(o, below, b, out);
      case InArray a -> array(a, below, b, out);
    }
  }

  private void startValue(Schema schema, Thread below, int b, Threads out) {
    switch (schema) {
      case Ref r -> startValue(r.target(), below, b, out);
      case AnyOf a -> a.alternatives().forEach(alt -> startValue(alt, below, b, out));
      case AnyValue v -> {
        switch (b) {
          case '{' -> out.add(push(new InFreeObject(ObjectPhase.OPEN), below));
          case '[' -> out.add(push(new InArray(ANY_ARRAY, 0, ArrayPhase.OPEN), below));
          case '"' -> out.add(push(new InString(0, Integer.MAX_VALUE, 0, Utf8String.PLAIN), below));
          case 't', 'f', 'n' -> literal(TRUE_FALSE_NULL, 0, below, b, out);
          default -> number(false, below, b, out);
        }
      }
      case ObjectOf o -> {
        if (b == '{') {
          out.add(push(new InObject(o, 0, ObjectPhase.OPEN, 0, 0, -1), below));
        }
      }
      case AnyObject o -> {
        if (b == '{') {
          out.add(push(new InFreeObject(ObjectPhase.OPEN), below));
        }
      }
      case ArrayOf a -> {
        if (b == '[') {
          out.add(push(new InArray(a, 0, ArrayPhase.OPEN), below));
        }
      }
      case StringOf s -> {
        if (b == '"') {
          out.add(push(new InString(s.minLength(), s.maxLength(), 0, Utf8String.PLAIN), below));
        }
      }
      case NumberOf n -> number(n.integer(), below, b, out);
      case Literals l -> literal(l.values().toArray(byte[][]::new), 0, below, b, out);
    }
  }

  private void number(boolean integer, Thread below, int b, Threads out) {
    int state = JsonNumber.step(JsonNumber.START, b, integer);
    if (state >= 0) {
      out.add(push(new InNumber(integer, state), below));
    }
  }

  private void string(InString s, Thread below, int b, Threads out) {
    int next = Utf8String.step(s.state(), b);
    if (next == Utf8String.CLOSE) {
      if (s.count() >= s.minLength()) {
        out.add(popTo(below));
      }
    } else if (next != Utf8String.REJECT) {
      int count = s.state() == Utf8String.PLAIN ? s.count() + 1 : s.count();
      if (count <= s.maxLength()) {
        out.add(push(new InString(s.minLength(), s.maxLength(), count, next), below));
      }
    }
  }

  private void literal(byte[][] candidates, int pos, Thread below, int b, Threads out) {
    int matching = 0;
    boolean complete = false;
    for (byte[] c : candidates) {
      if (c.length > pos && (c[pos] & 0xFF) == b) {
        matching++;
      }
      complete |= c.length == pos;
    }
    if (matching > 0) {
      byte[][] next = new byte[matching][];
      int i = 0;
      for (byte[] c : candidates) {
        if (c.length > pos && (c[pos] & 0xFF) == b) {
          next[i++] = c;
        }
      }
      out.add(push(new InLiteral(next, pos + 1), below));
    } else if (complete && pos > 0) {
      afterValue(below, b, out); // the literal ended one byte ago: b belongs to what holds it
    }
  }

  private void object(InObject o, Thread below, int b, Threads out) {
    List<Property> properties = o.schema().properties();
    long unseen = ~o.seen() & ((properties.size() == 64) ? -1L : (1L << properties.size()) - 1);
    switch (o.phase()) {
      case OPEN, KEY -> {
        if (b == '"' && unseen != 0) {
          out.add(push(new InObject(o.schema(), o.seen(), ObjectPhase.IN_KEY, unseen, 1, -1), below));
        } else if (b == '}' && o.phase() == ObjectPhase.OPEN && missingRequired(o.schema(), o.seen()) == 0) {
          out.add(popTo(below));
        }
      }
      case IN_KEY -> {
        long next = 0;
        int completed = -1;
        for (long c = o.candidates(); c != 0; c &= c - 1) {
          int i = Long.numberOfTrailingZeros(c);
          byte[] key = properties.get(i).key();
          if ((key[o.pos()] & 0xFF) == b) {
            next |= 1L << i;
            if (key.length == o.pos() + 1) {
              completed = i; // the closing quote: no other key continues past it
            }
          }
        }
        if (completed >= 0) {
          out.add(push(new InObject(o.schema(), o.seen() | 1L << completed, ObjectPhase.COLON, 0, 0, completed), below));
        } else if (next != 0) {
          out.add(push(new InObject(o.schema(), o.seen(), ObjectPhase.IN_KEY, next, o.pos() + 1, -1), below));
        }
      }
      case COLON -> {
        if (b == ':') {
          Thread after = push(new InObject(o.schema(), o.seen(), ObjectPhase.AFTER_VALUE, 0, 0, -1), below);
          out.add(push(new ValueStart(properties.get(o.property()).value()), after));
        }
      }
      case AFTER_VALUE -> {
        if (b == ',' && unseen != 0) {
          out.add(push(new InObject(o.schema(), o.seen(), ObjectPhase.KEY, 0, 0, -1), below));
        } else if (b == '}' && missingRequired(o.schema(), o.seen()) == 0) {
          out.add(popTo(below));
        }
      }
    }
  }

  private void freeObject(InFreeObject o, Thread below, int b, Threads out) {
    switch (o.phase()) {
      case OPEN, KEY -> {
        if (b == '"') {
          Thread colon = push(new InFreeObject(ObjectPhase.COLON), below);
          out.add(push(new InString(0, Integer.MAX_VALUE, 0, Utf8String.PLAIN), colon));
        } else if (b == '}' && o.phase() == ObjectPhase.OPEN) {
          out.add(popTo(below));
        }
      }
      case COLON -> {
        if (b == ':') {
          out.add(push(new ValueStart(new AnyValue()), push(new InFreeObject(ObjectPhase.AFTER_VALUE), below)));
        }
      }
      case AFTER_VALUE -> {
        if (b == ',') {
          out.add(push(new InFreeObject(ObjectPhase.KEY), below));
        } else if (b == '}') {
          out.add(popTo(below));
        }
      }
      case IN_KEY -> throw new IllegalStateException("free object keys are string frames");
    }
  }

  private void array(InArray a, Thread below, int b, Threads out) {
    ArrayOf schema = a.schema();
    switch (a.phase()) {
      case OPEN, NEXT -> {
        if (b == ']' && a.phase() == ArrayPhase.OPEN && schema.minItems() == 0) {
          out.add(popTo(below));
        } else if (a.count() < schema.maxItems()) {
          startValue(schema.items(), push(new InArray(schema, a.count() + 1, ArrayPhase.AFTER_VALUE), below), b, out);
        }
      }
      case AFTER_VALUE -> {
        if (b == ',' && a.count() < schema.maxItems()) {
          out.add(push(new InArray(schema, a.count(), ArrayPhase.NEXT), below));
        } else if (b == ']' && a.count() >= schema.minItems()) {
          out.add(popTo(below));
        }
      }
    }
  }

  /** A value ended just before {@code b}, which the frame holding the value reads. */
  private void afterValue(Thread below, int b, Threads out) {
    if (below != null) {
      step(below, b, out);
    }
  }

  private static Thread popTo(Thread below) {
    return below == null ? Thread.DONE : below;
  }

  private Thread push(Frame frame, Thread below) {
    return new Thread(frame, below, Grammar.add(toFinish(frame), below == null ? 0 : below.shortest));
  }

  /** Bytes that finish {@code frame}, once whatever it holds (the frames above it) is finished. */
  private int toFinish(Frame frame) {
    return switch (frame) {
      case ValueStart v -> grammar.minBytes(v.schema());
      case InString s -> Utf8String.pendingBytes(s.state()) + Math.max(0, s.minLength() - s.count()) + 1;
      case InNumber n -> JsonNumber.complete(n.state()) ? 0 : 1;
      case InLiteral l -> {
        int min = Integer.MAX_VALUE;
        for (byte[] c : l.candidates()) {
          min = Math.min(min, c.length - l.pos());
        }
        yield min;
      }
      case InFreeObject o -> switch (o.phase()) {
        case OPEN, AFTER_VALUE -> 1; // }
        case KEY -> 5; // "":0}
        case COLON -> 3; // :0}
        case IN_KEY -> throw new IllegalStateException("free object keys are string frames");
      };
      case InArray a -> arrayToFinish(a);
      case InWhitespace w -> 0;
      case InObject o -> objectToFinish(o);
    };
  }

  private int arrayToFinish(InArray a) {
    int item = Grammar.add(grammar.minBytes(a.schema().items()), 1); // the element and a ',' or the ']'
    int min = a.schema().minItems();
    return switch (a.phase()) {
      case OPEN -> min == 0 ? 1 : times(min, item);
      case NEXT -> times(Math.max(min - a.count(), 1), item);
      case AFTER_VALUE -> a.count() >= min ? 1 : Grammar.add(times(min - a.count(), item), 1);
    };
  }

  private int objectToFinish(InObject o) {
    List<Property> properties = o.schema().properties();
    int missing = missingRequired(o.schema(), o.seen());
    return switch (o.phase()) {
      case OPEN -> missing == 0 ? 1 : missing;
      case AFTER_VALUE -> Grammar.add(missing, 1);
      case KEY -> {
        if (missing > 0) {
          yield missing;
        }
        int min = Grammar.INFINITE;
        for (long u = ~o.seen() & mask(properties.size()); u != 0; u &= u - 1) {
          min = Math.min(min, grammar.memberBytes(properties.get(Long.numberOfTrailingZeros(u))));
        }
        yield min;
      }
      case IN_KEY -> {
        int min = Grammar.INFINITE;
        for (long c = o.candidates(); c != 0; c &= c - 1) {
          int i = Long.numberOfTrailingZeros(c);
          Property p = properties.get(i);
          int rest = Grammar.add(missingRequired(o.schema(), o.seen() | 1L << i), 1);
          min = Math.min(min, Grammar.add(p.key().length - o.pos() + 1 + grammar.minBytes(p.value()), rest));
        }
        yield min;
      }
      case COLON -> Grammar.add(1 + grammar.minBytes(properties.get(o.property()).value()), Grammar.add(missing, 1));
    };
  }

  /** Bytes of the required members not yet written, each with the ',' or '}' after it. */
  private int missingRequired(ObjectOf schema, long seen) {
    int total = 0;
    List<Property> properties = schema.properties();
    for (int i = 0; i < properties.size(); i++) {
      if (properties.get(i).required() && (seen & 1L << i) == 0) {
        total = Grammar.add(total, grammar.memberBytes(properties.get(i)));
      }
    }
    return total;
  }

  private static long mask(int n) {
    return n == 64 ? -1L : (1L << n) - 1;
  }

  private static int times(int n, int bytes) {
    return (int) Math.min(Grammar.INFINITE, (long) n * bytes);
  }

  /** Whether whitespace may come next: between tokens, never around the whole document or inside a key. */
  private static boolean takesWhitespace(Thread thread) {
    return switch (thread.top) {
      case ValueStart v -> thread.below != null;
      case InObject o -> o.phase() != ObjectPhase.IN_KEY;
      case InFreeObject o -> true;
      case InArray a -> true;
      default -> false;
    };
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
