package io.github.gptoss4j.tokenizer;

import java.util.Objects;
import java.util.Set;

/**
 * Which special-token strings {@link Tokenizer#encode(String, AllowedSpecial)} turns into their single ids,
 * following tiktoken: {@link #ALL} encodes every special token found in the text; {@link #NONE} treats them
 * all as plain text (tiktoken's {@code encode_ordinary}); {@link #of(Set)} encodes the given ones and rejects
 * a text containing any other special-token string with a {@link TokenizerException} naming it (tiktoken's
 * default {@code disallowed_special="all"}).
 */
public final class AllowedSpecial {
  /** Every special token of the encoding is recognised in the text. */
  public static final AllowedSpecial ALL = new AllowedSpecial(Set.of(), true, false);

  /** No special token is recognised: special-token strings are encoded as ordinary text. */
  public static final AllowedSpecial NONE = new AllowedSpecial(Set.of(), false, true);

  private final Set<String> names;
  private final boolean all;
  private final boolean ordinary;

  private AllowedSpecial(Set<String> names, boolean all, boolean ordinary) {
    this.names = names;
    this.all = all;
    this.ordinary = ordinary;
  }

  /**
   * Allows exactly the given special tokens (e.g. {@code "<|start|>"}); any other special-token string in
   * the text is an error. Names are checked against the tokenizer when encoding.
   *
   * @param names special-token texts, not null; copied, so later changes to the set are not seen
   * @return a policy allowing exactly {@code names}
   */
  public static AllowedSpecial of(Set<String> names) {
    return new AllowedSpecial(Set.copyOf(Objects.requireNonNull(names, "names")), false, false);
  }

  boolean isOrdinary() {
    return ordinary;
  }

  boolean allows(String special) {
    return all || names.contains(special);
  }

  Set<String> names() {
    return names;
  }

  @Override
  public String toString() {
    return all ? "AllowedSpecial.ALL" : ordinary ? "AllowedSpecial.NONE" : "AllowedSpecial.of(" + names + ")";
  }
}
