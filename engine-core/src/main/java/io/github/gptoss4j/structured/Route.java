package io.github.gptoss4j.structured;

import io.github.gptoss4j.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * One message a constrained reply may write: its header tokens (after {@code <|start|>assistant}, from {@code
 * <|channel|>} to {@code <|message|>}), its body (free text, or JSON under {@link #body}), and the token that
 * ends it ({@code <|end|>} for reasoning, which another message follows, {@code <|return|>} or {@code <|call|>}).
 * Headers are tokenized as Harmony's renderer tokenizes them, segment by segment.
 *
 * @param analysis whether this is the reasoning message that another route follows
 * @param body the JSON body's schema, or null for free text
 */
record Route(int[] header, JsonSchema body, int terminator, boolean analysis) {

  static Route analysis(Tokenizer tokenizer) {
    return new Route(header(tokenizer, "analysis", false), null, tokenizer.specialTokenId("<|end|>"), true);
  }

  static Route answer(Tokenizer tokenizer, JsonSchema body) {
    return new Route(header(tokenizer, "final", body != null), body, tokenizer.specialTokenId("<|return|>"), false);
  }

  static Route call(Tokenizer tokenizer, String function, JsonSchema arguments) {
    int[] channel = header(tokenizer, "commentary", true);
    // "<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>", as gpt-oss writes calls
    int[] recipient = tokenizer.encodeOrdinary(" to=functions." + function);
    int[] header = new int[channel.length + recipient.length];
    int at = 1 + tokenizer.encodeOrdinary("commentary").length;
    System.arraycopy(channel, 0, header, 0, at);
    System.arraycopy(recipient, 0, header, at, recipient.length);
    System.arraycopy(channel, at, header, at + recipient.length, channel.length - at);
    return new Route(header, arguments, tokenizer.specialTokenId("<|call|>"), false);
  }

  /** {@code <|channel|>CHANNEL<|message|>}, with {@code  <|constrain|>json} before {@code <|message|>} if json. */
  private static int[] header(Tokenizer tokenizer, String channel, boolean json) {
    int[] name = tokenizer.encodeOrdinary(channel);
    int[] constrain = json
        ? concat(tokenizer.encodeOrdinary(" "), new int[] {tokenizer.specialTokenId("<|constrain|>")}, tokenizer.encodeOrdinary("json"))
        : new int[0];
    return concat(new int[] {tokenizer.specialTokenId("<|channel|>")}, name, constrain,
        new int[] {tokenizer.specialTokenId("<|message|>")});
  }

  /** The same header after another message: {@code <|start|>assistant} first. */
  int[] headerAfter(Tokenizer tokenizer) {
    return concat(new int[] {tokenizer.specialTokenId("<|start|>")}, tokenizer.encodeOrdinary("assistant"), header);
  }

  private static int[] concat(int[]... parts) {
    int[] out = new int[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
