package io.github.gptoss4j.tokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * The o200k_harmony tokenizer of gpt-oss, exact to OpenAI's tiktoken: o200k_base's byte-pair ranks and split
 * pattern plus the Harmony special tokens ({@code <|start|>} = 200006 …, and {@code <|reserved_N|>} up to
 * 201087).
 *
 * <p>Text is split with o200k's regex, each piece is UTF-8 encoded and byte-pair merged by rank. Lone
 * surrogates in a Java string (which have no UTF-8 form) are encoded as U+FFFD, as Python's tiktoken does;
 * they never cause an exception. Instances are immutable and thread-safe.
 */
public final class Tokenizer {
  private static final String EMBEDDED = "o200k_base.tiktoken.gz";
  private static final byte[] GZIP_MAGIC = {(byte) 0x1F, (byte) 0x8B};

  private final Ranks ranks;

  private Tokenizer(Ranks ranks) {
    this.ranks = ranks;
  }

  /** Holds the embedded encoding, loaded on first use. */
  private static final class Embedded {
    static final Tokenizer INSTANCE = load();

    private static Tokenizer load() {
      try (InputStream in = Tokenizer.class.getResourceAsStream(EMBEDDED)) {
        if (in == null) {
          throw new TokenizerException("embedded resource " + EMBEDDED + " is missing from the tokenizer jar");
        }
        byte[] content = new GZIPInputStream(in, 1 << 16).readAllBytes();
        return new Tokenizer(TiktokenFile.parse(content, "embedded " + EMBEDDED, SpecialTokens.FIRST_ID));
      } catch (IOException e) {
        throw new TokenizerException("cannot read embedded resource " + EMBEDDED + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The o200k_harmony encoding from the ranks embedded in this jar; loaded once, then shared.
   *
   * @return the shared, immutable o200k_harmony tokenizer
   */
  public static Tokenizer o200kHarmony() {
    return Embedded.INSTANCE;
  }

  /**
   * Loads o200k_base-style ranks from a tiktoken file ({@code base64 rank} lines, optionally gzipped) and adds
   * the Harmony special tokens.
   *
   * @param ranksFile a tiktoken ranks file such as {@code o200k_base.tiktoken}, plain or gzipped (detected from the
   *     content)
   * @return a new tokenizer over those ranks, with ids from 199998 up reserved for the special tokens
   * @throws TokenizerException if the file is missing, unreadable, malformed or truncated
   */
  public static Tokenizer fromTiktoken(Path ranksFile) {
    byte[] content = readMaybeGzipped(ranksFile);
    return new Tokenizer(TiktokenFile.parse(content, ranksFile.toString(), SpecialTokens.FIRST_ID));
  }

  /**
   * Loads a Hugging Face {@code tokenizer.json} (byte-level BPE, as shipped with gpt-oss, optionally
   * gzipped). Its vocabulary ids are the ranks; its special tokens must agree with o200k_harmony's, which
   * are all added (the file lists them only up to 200018).
   *
   * @param file a {@code tokenizer.json} path, plain or gzipped (detected from the content)
   * @return a new tokenizer over that vocabulary plus every o200k_harmony special token
   * @throws TokenizerException if the file is missing, unreadable, malformed or not an o200k-style tokenizer
   */
  public static Tokenizer fromTokenizerJson(Path file) {
    byte[] content = readMaybeGzipped(file);
    return new Tokenizer(TokenizerJson.parse(content, file.toString(), SpecialTokens.FIRST_ID));
  }

  /**
   * The tokenizer of a model directory: its {@code tokenizer.json} if present, else the embedded one.
   *
   * @param dir a model directory; it need not contain a {@code tokenizer.json}
   * @return the tokenizer of {@code dir/tokenizer.json}, or {@link #o200kHarmony()} when there is no such file
   * @throws TokenizerException if {@code tokenizer.json} exists but is unreadable, malformed or not o200k-style
   */
  public static Tokenizer fromModelDir(Path dir) {
    Path json = dir.resolve("tokenizer.json");
    return Files.isRegularFile(json) ? fromTokenizerJson(json) : o200kHarmony();
  }

  /**
   * Encodes {@code text} with special-token strings treated as plain text (tiktoken's encode_ordinary).
   *
   * @param text the text to encode, not null; may be empty
   * @return the token ids, a new array (empty for an empty text)
   */
  public int[] encodeOrdinary(String text) {
    Objects.requireNonNull(text, "text");
    IntList out = new IntList(text.length() / 3 + 1);
    encodeSegment(text, 0, text.length(), new BytePairEncoder(ranks), out);
    return out.toArray();
  }

  /**
   * Encodes {@code text}; special-token strings that {@code allowed} allows become their single ids.
   *
   * @param text the text to encode, not null; may be empty
   * @param allowed which special-token strings become single ids, not null
   * @return the token ids, a new array (empty for an empty text)
   * @throws TokenizerException if the text contains a special-token string that is not allowed, or
   *     {@code allowed} names a string that is not a special token
   */
  public int[] encode(String text, AllowedSpecial allowed) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(allowed, "allowed");
    if (allowed.isOrdinary()) {
      return encodeOrdinary(text);
    }
    for (String name : allowed.names()) {
      specialTokenId(name);
    }
    IntList out = new IntList(text.length() / 3 + 1);
    BytePairEncoder encoder = new BytePairEncoder(ranks);
    int n = text.length();
    int segment = 0;
    int from = 0;
    int open;
    while ((open = text.indexOf("<|", from)) >= 0) {
      int close = specialEnd(text, open);
      if (close < 0) {
        from = open + 1;
        continue;
      }
      String name = text.substring(open, close);
      int id = SpecialTokens.id(name);
      if (id < 0) {
        from = open + 1;
        continue;
      }
      if (!allowed.allows(name)) {
        throw new TokenizerException(
            "special token " + name + " at char " + open + " is not allowed by " + allowed
                + "; allow it, or encode with AllowedSpecial.NONE to treat it as text");
      }
      encodeSegment(text, segment, open, encoder, out);
      out.add(id);
      segment = from = close;
    }
    encodeSegment(text, segment, n, encoder, out);
    return out.toArray();
  }

  /** The end of a possible special token starting at {@code open} ("<|"): just after the next "|>". */
  private static int specialEnd(String text, int open) {
    int limit = Math.min(text.length() - 1, open + SpecialTokens.maxLength() - 1);
    for (int j = open + 2; j < limit; j++) {
      if (text.charAt(j) == '|' && text.charAt(j + 1) == '>') {
        return j + 2;
      }
    }
    return -1;
  }

  /** Splits and merges {@code text[from .. to)} as if it were the whole text (tiktoken splits per segment). */
  private static void encodeSegment(String text, int from, int to, BytePairEncoder encoder, IntList out) {
    int i = from;
    while (i < to) {
      int end = PieceScanner.pieceEnd(text, i, to);
      byte[] buf = encoder.buffer(3 * (end - i));
      int len = Utf8.encode(text, i, end, buf, 0);
      encoder.encode(len, out);
      i = end;
    }
  }

  /**
   * The bytes of the tokens {@code ids}, concatenated.
   *
   * @param ids token ids, ordinary or special
   * @return the tokens' bytes concatenated in order, a new array; not necessarily valid UTF-8
   * @throws TokenizerException if an id is not a token of this tokenizer
   */
  public byte[] decodeBytes(int[] ids) {
    int total = 0;
    for (int id : ids) {
      total += tokenLength(id);
    }
    byte[] out = new byte[total];
    int at = 0;
    for (int id : ids) {
      at = copyToken(id, out, at);
    }
    return out;
  }

  /**
   * The bytes of one token; a special token's are its UTF-8 text.
   *
   * @param id a token id, ordinary or special
   * @return the token's bytes, a new array
   * @throws TokenizerException if {@code id} is not a token of this tokenizer
   */
  public byte[] tokenBytes(int id) {
    byte[] out = new byte[tokenLength(id)];
    copyToken(id, out, 0);
    return out;
  }

  /**
   * Decodes {@code ids} to text; invalid UTF-8 becomes U+FFFD (one per maximal invalid subpart), as tiktoken.
   *
   * @param ids token ids, ordinary or special
   * @return the text; never throws for invalid UTF-8
   * @throws TokenizerException if an id is not a token of this tokenizer
   */
  public String decode(int[] ids) {
    byte[] bytes = decodeBytes(ids);
    return Utf8.decodeLossy(bytes, bytes.length);
  }

  /**
   * Decodes {@code ids} to text.
   *
   * @param ids token ids, ordinary or special
   * @return the text, exactly the decoded bytes
   * @throws TokenizerException if the bytes are not valid UTF-8, naming the byte offset
   */
  public String decodeStrict(int[] ids) {
    byte[] bytes = decodeBytes(ids);
    int bad = Utf8.firstInvalid(bytes, bytes.length);
    if (bad >= 0) {
      throw new TokenizerException(
          "token bytes are not valid UTF-8 at byte " + bad + " of " + bytes.length + " (0x"
              + String.format("%02X", bytes[bad] & 0xFF) + "); expected complete UTF-8 characters");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * A new decoder for a stream of generated ids; see {@link StreamingDecoder}.
   *
   * @return a new decoder with nothing pending, bound to this tokenizer
   */
  public StreamingDecoder streamingDecoder() {
    return new StreamingDecoder(this);
  }

  /**
   * The id of a special token, e.g. {@code "<|start|>"} → 200006.
   *
   * @param text the special token's exact text, including {@code <|} and {@code |>}
   * @return its id, from 199998 to 201087
   * @throws TokenizerException if {@code text} is not a special token of o200k_harmony
   */
  public int specialTokenId(String text) {
    int id = SpecialTokens.id(text);
    if (id < 0) {
      throw new TokenizerException(
          "unknown special token '" + text + "'; expected one of o200k_harmony's, e.g. <|start|>, <|reserved_200013|>");
    }
    return id;
  }

  /**
   * Whether {@code id} is a special token (199998 … 201087).
   *
   * @param id any int; ids outside the vocabulary are not special
   * @return true if {@code id} is one of o200k_harmony's special tokens
   */
  public boolean isSpecial(int id) {
    return SpecialTokens.name(id) != null;
  }

  /**
   * The number of token ids, ordinary and special: 201088 for o200k_harmony.
   *
   * @return the vocabulary size; valid ids are {@code 0 .. vocabSize() - 1}
   */
  public int vocabSize() {
    return SpecialTokens.VOCAB_SIZE;
  }

  Ranks ranks() {
    return ranks;
  }

  int tokenLength(int id) {
    if (id >= 0 && id < ranks.size()) {
      return ranks.tokenLength(id);
    }
    String special = SpecialTokens.name(id);
    if (special == null) {
      throw unknownId(id);
    }
    return special.length(); // special-token names are ASCII
  }

  int copyToken(int id, byte[] dst, int at) {
    if (id >= 0 && id < ranks.size()) {
      return ranks.copyToken(id, dst, at);
    }
    String special = SpecialTokens.name(id);
    if (special == null) {
      throw unknownId(id);
    }
    byte[] bytes = special.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, dst, at, bytes.length);
    return at + bytes.length;
  }

  private TokenizerException unknownId(int id) {
    return new TokenizerException(
        "unknown token id " + id + "; expected 0.." + (ranks.size() - 1) + " or a special token "
            + SpecialTokens.FIRST_ID + ".." + (SpecialTokens.VOCAB_SIZE - 1));
  }

  private static byte[] readMaybeGzipped(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TokenizerException("tokenizer file not found: " + file, e);
    } catch (IOException | UncheckedIOException e) {
      throw new TokenizerException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
    }
    if (content.length >= 2 && content[0] == GZIP_MAGIC[0] && content[1] == GZIP_MAGIC[1]) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(content), 1 << 16)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new TokenizerException("corrupt or truncated gzip file " + file + ": " + e.getMessage(), e);
      }
    }
    return content;
  }
}
