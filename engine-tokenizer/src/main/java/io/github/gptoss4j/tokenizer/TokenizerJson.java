package io.github.gptoss4j.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a Hugging Face {@code tokenizer.json} of byte-level BPE with a streaming parser: the vocabulary
 * (token strings in GPT-2's byte-to-unicode alphabet, id = rank), the added special tokens (which must be
 * o200k_harmony's) and the split regex (which must be o200k's). Merges are not needed: ranking merges by
 * the merged token's id is tiktoken's algorithm, which is what the file's merges were generated from.
 */
final class TokenizerJson {
  /** o200k's split pattern, as tokenizer.json spells it. */
  static final String O200K_PATTERN =
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
          + "(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
          + "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*"
          + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

  private static final JsonFactory JSON = new JsonFactory();
  /** GPT-2's byte-level alphabet, inverted: char → byte, -1 for chars outside it. */
  private static final int[] CHAR_TO_BYTE = new int[324];

  static {
    Arrays.fill(CHAR_TO_BYTE, -1);
    int extra = 256;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      CHAR_TO_BYTE[printable ? b : extra++] = b;
    }
  }

  private TokenizerJson() {}

  static Ranks parse(byte[] content, String source, int maxRanks) {
    try (JsonParser p = JSON.createParser(content)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, source, "the top-level object");
      Ranks ranks = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> {
            expect(p, value, JsonToken.START_OBJECT, source, "\"model\" object");
            ranks = model(p, source, maxRanks);
          }
          case "added_tokens" -> {
            expect(p, value, JsonToken.START_ARRAY, source, "\"added_tokens\" array");
            addedTokens(p, source);
          }
          case "pre_tokenizer" -> checkPattern(p, source);
          default -> p.skipChildren();
        }
      }
      if (ranks == null) {
        throw new TokenizerException(source + ": no \"model\" with a \"vocab\"; expected a BPE tokenizer.json");
      }
      return ranks;
    } catch (IOException e) {
      throw new TokenizerException(source + ": malformed or truncated JSON: " + e.getMessage(), e);
    }
  }

  private static Ranks model(JsonParser p, String source, int maxRanks) throws IOException {
    Ranks ranks = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("type")) {
        if (!"BPE".equals(p.getValueAsString())) {
          throw new TokenizerException(source + ": model type " + p.getText() + "; expected \"BPE\"");
        }
      } else if (field.equals("vocab")) {
        expect(p, value, JsonToken.START_OBJECT, source, "\"model.vocab\" object");
        ranks = vocab(p, source, maxRanks);
      } else {
        p.skipChildren();
      }
    }
    if (ranks == null) {
      throw new TokenizerException(source + ": \"model\" has no \"vocab\"");
    }
    return ranks;
  }

  private static Ranks vocab(JsonParser p, String source, int maxRanks) throws IOException {
    byte[] pool = new byte[1 << 20];
    int[] ends = new int[1 << 16];
    int[] ids = new int[1 << 16];
    int count = 0;
    int at = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String token = p.currentName();
      if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
        throw new TokenizerException(source + ": vocab entry \"" + token + "\" has no integer id");
      }
      int id = p.getIntValue();
      if (id < 0 || id >= maxRanks) {
        throw new TokenizerException(
            source + ": vocab id " + id + " of \"" + token + "\" is outside 0.." + (maxRanks - 1));
      }
      if (pool.length - at < token.length()) {
        pool = Arrays.copyOf(pool, Math.max(pool.length * 2, at + token.length()));
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
        if (b < 0) {
          throw new TokenizerException(
              source + ": vocab entry \"" + token + "\" has char U+" + String.format("%04X", (int) c)
                  + ", which is not in the byte-level alphabet");
        }
        pool[at++] = (byte) b;
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
      }
      ids[count] = id;
      ends[count++] = at;
    }
    // Reorder by id; the ids must be exactly 0 .. count-1.
    int[] entryOfId = new int[count];
    Arrays.fill(entryOfId, -1);
    for (int e = 0; e < count; e++) {
      int id = ids[e];
      if (id >= count || entryOfId[id] >= 0) {
        throw new TokenizerException(
            source + ": vocab id " + id + (id >= count ? " leaves a gap" : " is used twice")
                + "; expected ids 0.." + (count - 1) + " once each");
      }
      entryOfId[id] = e;
    }
    byte[] sorted = new byte[at];
    int[] offsets = new int[count + 1];
    int to = 0;
    for (int id = 0; id < count; id++) {
      int e = entryOfId[id];
      int from = e == 0 ? 0 : ends[e - 1];
      System.arraycopy(pool, from, sorted, to, ends[e] - from);
      to += ends[e] - from;
      offsets[id + 1] = to;
    }
    return new Ranks(sorted, offsets, count, source);
  }

  private static void addedTokens(JsonParser p, String source) throws IOException {
    while (p.nextToken() == JsonToken.START_OBJECT) {
      int id = -1;
      String content = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "id" -> id = p.getValueAsInt(-1);
          case "content" -> content = p.getValueAsString();
          default -> p.skipChildren();
        }
      }
      String expected = SpecialTokens.name(id);
      if (expected == null || !expected.equals(content)) {
        throw new TokenizerException(
            source + ": added token " + id + " is " + content + "; expected o200k_harmony's "
                + (expected == null ? "special ids " + SpecialTokens.FIRST_ID + ".." : expected));
      }
    }
  }

  /** Rejects a split regex other than o200k's, which is what the scanner implements. */
  private static void checkPattern(JsonParser p, String source) throws IOException {
    int depth = p.currentToken().isStructStart() ? 1 : 0;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new TokenizerException(source + ": truncated \"pre_tokenizer\"");
      }
      if (t.isStructStart()) {
        depth++;
      } else if (t.isStructEnd()) {
        depth--;
      } else if (t == JsonToken.VALUE_STRING && "Regex".equals(p.currentName())
          && !O200K_PATTERN.equals(p.getText())) {
        throw new TokenizerException(
            source + ": pre_tokenizer split regex " + p.getText() + " is not o200k's; expected " + O200K_PATTERN);
      }
    }
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String source, String what) {
    if (actual != expected) {
      throw new TokenizerException(
          source + ": expected " + what + " at " + p.currentLocation().offsetDescription() + ", found " + actual);
    }
  }
}
