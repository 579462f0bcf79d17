package io.github.gptoss4j.structured;

import io.github.gptoss4j.generate.GenerationException;
import io.github.gptoss4j.generate.LogitsProcessor;
import io.github.gptoss4j.generate.TokenContext;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * The processor of one generation under a {@link ConstrainedReply}: reads the reply so far (the opening
 * included) as a header among the routes' headers, then the chosen route's body, and masks every token that
 * would leave that shape or its budget. It remembers the reply it has read and reads it again from the start
 * whenever the context is not a continuation of it (a new round, a rollback).
 */
final class ReplyProcessor implements LogitsProcessor {
  private final Vocabulary vocabulary;
  private final List<Route> routes;
  private final int[][] headers; // per route, at the reply's start
  private final int[][] headersAfter; // per route, after the reasoning message
  private final JsonMasker[] maskers; // per route with a JSON body, made on first use
  private final JsonAutomaton[] automata;
  private final long[] allowed;

  // What the reply read so far means.
  private int[] read = new int[64];
  private int readCount;
  private boolean inHeader;
  private boolean afterReasoning;
  private int headerPos;
  private long candidates;
  private int route;
  private final Threads json = new Threads();
  private final Threads next = new Threads();

  ReplyProcessor(Tokenizer tokenizer, Vocabulary vocabulary, List<Route> routes) {
    if (routes.size() > 63) {
      throw new SchemaException("a constrained reply supports at most 63 routes, got " + routes.size());
    }
    this.vocabulary = vocabulary;
    this.routes = routes;
    this.headers = routes.stream().map(Route::header).toArray(int[][]::new);
    this.headersAfter = routes.stream().map(r -> r.headerAfter(tokenizer)).toArray(int[][]::new);
    this.maskers = new JsonMasker[routes.size()];
    this.automata = new JsonAutomaton[routes.size()];
    this.allowed = new long[Vocabulary.words(vocabulary.size)];
    restart();
  }

  @Override
  public void process(TokenContext context, float[] logits) {
    catchUp(context);
    allowedTokens(context.remainingTokens());
    for (int w = 0; w < allowed.length; w++) {
      long bits = allowed[w];
      if (bits == -1L) {
        continue;
      }
      int end = Math.min(vocabulary.size, (w + 1) << 6);
      if (bits == 0) {
        Arrays.fill(logits, w << 6, end, Float.NEGATIVE_INFINITY);
        continue;
      }
      for (int t = w << 6; t < end; t++) {
        if ((bits & 1L << t) == 0) {
          logits[t] = Float.NEGATIVE_INFINITY;
        }
      }
    }
  }

  /** Reads the reply tokens not read yet, from the start if the reply is not a continuation of what was read. */
  private void catchUp(TokenContext context) {
    int length = context.replyLength();
    boolean continues = length >= readCount;
    for (int i = 0; i < readCount && continues; i++) {
      continues = context.replyToken(i) == read[i];
    }
    if (!continues) {
      restart();
    }
    for (int i = readCount; i < length; i++) {
      accept(context.replyToken(i));
    }
  }

  private void restart() {
    readCount = 0;
    inHeader = true;
    afterReasoning = false;
    headerPos = 0;
    candidates = (1L << routes.size()) - 1;
    route = -1;
  }

  private void accept(int token) {
    if (readCount == read.length) {
      read = Arrays.copyOf(read, 2 * readCount);
    }
    read[readCount++] = token;
    if (inHeader) {
      acceptHeader(token);
      return;
    }
    Route r = routes.get(route);
    if (token == r.terminator()) {
      if (r.analysis()) {
        inHeader = true;
        afterReasoning = true;
        headerPos = 0;
        candidates = (1L << routes.size()) - 1 & ~(1L << route);
      }
      return;
    }
    if (r.body() != null) {
      byte[] bytes = vocabulary.bytes[token];
      if (bytes == null) {
        throw broken(token, "a special token inside the JSON body");
      }
      masker(route).advance(json, bytes, next);
      if (next.size() == 0) {
        throw broken(token, "a token the JSON schema does not allow");
      }
      json.setTo(next);
    }
  }

  private void acceptHeader(int token) {
    long kept = 0;
    for (long c = candidates; c != 0; c &= c - 1) {
      int i = Long.numberOfTrailingZeros(c);
      int[] h = header(i);
      if (headerPos < h.length && h[headerPos] == token) {
        kept |= 1L << i;
      }
    }
    if (kept == 0) {
      throw broken(token, "a token outside the headers of the allowed messages");
    }
    candidates = kept;
    headerPos++;
    for (long c = kept; c != 0; c &= c - 1) {
      int i = Long.numberOfTrailingZeros(c);
      if (header(i).length == headerPos) {
        inHeader = false; // headers all end with <|message|>, so none is a prefix of another
        route = i;
        if (routes.get(i).body() != null) {
          json.clear();
          json.add(automaton(i).start());
        }
      }
    }
  }

  /** Fills {@link #allowed} for the next token, {@code remaining} tokens (this one included) being left. */
  private void allowedTokens(int remaining) {
    Arrays.fill(allowed, 0);
    if (inHeader) {
      allowHeaderTokens(remaining);
      return;
    }
    Route r = routes.get(route);
    if (r.body() == null) {
      boolean mustClose = r.analysis() && remaining <= 1 + cheapestAfterReasoning();
      if (!mustClose) {
        System.arraycopy(vocabulary.ordinary, 0, allowed, 0, allowed.length);
      }
    } else if (json.size() > 0) {
      masker(route).allowed(json, Math.max(0, remaining - 2), allowed);
    }
    if (r.body() == null || json.anyComplete()) {
      allow(r.terminator());
    }
  }

  private void allowHeaderTokens(int remaining) {
    int best = Integer.MAX_VALUE;
    for (long c = candidates; c != 0; c &= c - 1) {
      best = Math.min(best, tokensToFinish(Long.numberOfTrailingZeros(c)));
    }
    // Every route that still fits; when none does, those that end soonest.
    int limit = Math.max(best, remaining);
    for (long c = candidates; c != 0; c &= c - 1) {
      int i = Long.numberOfTrailingZeros(c);
      if (tokensToFinish(i) <= limit) {
        allow(header(i)[headerPos]);
      }
    }
  }

  /** Fewest tokens that finish the reply through route {@code i}, from the current header position. */
  private int tokensToFinish(int i) {
    Route r = routes.get(i);
    int own = header(i).length - headerPos + bodyTokens(r) + 1;
    return r.analysis() ? own + cheapestAfterReasoning() : own;
  }

  /** Fewest tokens of a route that may follow the reasoning message, header to terminator. */
  private int cheapestAfterReasoning() {
    int best = Integer.MAX_VALUE / 2;
    for (int i = 0; i < routes.size(); i++) {
      if (!routes.get(i).analysis()) {
        best = Math.min(best, headersAfter[i].length + bodyTokens(routes.get(i)) + 1);
      }
    }
    return best;
  }

  /** At most the body's shortest bytes: every byte is a token of the vocabulary. */
  private static int bodyTokens(Route r) {
    return r.body() == null ? 0 : r.body().grammar().minBytes(r.body().grammar().root);
  }

  private int[] header(int i) {
    return afterReasoning ? headersAfter[i] : headers[i];
  }

  private JsonAutomaton automaton(int i) {
    if (automata[i] == null) {
      automata[i] = new JsonAutomaton(routes.get(i).body().grammar());
    }
    return automata[i];
  }

  private JsonMasker masker(int i) {
    if (maskers[i] == null) {
      maskers[i] = new JsonMasker(automaton(i), vocabulary);
    }
    return maskers[i];
  }

  private void allow(int token) {
    allowed[token >>> 6] |= 1L << token;
  }



  private GenerationException broken(int token, String what) {
    return new GenerationException("token " + token + " at reply position " + (readCount - 1) + " is " + what
        + "; the reply's structure is constrained (another logits processor after structured output, or a reply"
        + " opening that no allowed message starts with?)");
  }
}
