package io.github.gptoss4j.harmony;

import io.github.gptoss4j.tokenizer.TokenizerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the model's output one token at a time, as harmony's {@code StreamableParser}: after each
 * {@link #process(int)} the current message's role, channel, recipient and content type are known as soon
 * as its header is complete, and {@link #lastContentDelta()} holds the text the token added. A UTF-8
 * character split over several tokens is only emitted once complete; invalid bytes become U+FFFD.
 *
 * <p>A message ends at {@code <|end|>}, {@code <|call|>} or {@code <|return|>}, or at {@link #processEos()}.
 * Not thread-safe: one parser per generation stream.
 */
public final class StreamableParser {

  /** Where the parser is within a message. */
  public enum State {
    /** Waiting for {@code <|start|>}. */
    EXPECT_START,
    /** Reading a header (role, recipient, channel, content type) up to {@code <|message|>}. */
    HEADER,
    /** Reading content up to a stop token. */
    CONTENT
  }

  private static final String REPLACEMENT = "\uFFFD";

  private final HarmonyEncoding encoding;
  private final boolean strict;
  private final int[] stopTokens;
  private Role nextRole;
  private int[] tokens = new int[64];
  private int tokenCount;
  private final List<Message> messages = new ArrayList<>();
  private State state;
  private final List<Integer> headerTokens = new ArrayList<>();
  private ParsedHeader header;
  private final StringBuilder content = new StringBuilder();
  private String lastContentDelta;
  private final List<Integer> undecodedTokens = new ArrayList<>();
  private byte[] undecodedBytes = new byte[16];
  private int undecodedLength;

  /**
   * A strict parser; see {@link #StreamableParser(HarmonyEncoding, Role, boolean)}.
   *
   * @param encoding the encoding whose tokens are parsed, not null
   * @param role the role of the first message when the prompt ended with {@code <|start|>ROLE}, or null
   */
  public StreamableParser(HarmonyEncoding encoding, Role role) {
    this(encoding, role, true);
  }

  /**
   * A parser for a completion.
   *
   * @param encoding the encoding whose tokens are parsed, not null
   * @param role the role of the first message when the prompt ended with {@code <|start|>ROLE} (the
   *     output then starts with the rest of the header), or null when the output starts with {@code <|start|>}
   * @param strict whether a header cut short by a stop token (no {@code <|message|>}) is an error; when
   *     false, harmony's recovery applies: the header's words become the message's text
   */
  public StreamableParser(HarmonyEncoding encoding, Role role, boolean strict) {
    this.encoding = encoding;
    this.strict = strict;
    this.stopTokens = encoding.stopTokens();
    this.nextRole = role;
    this.state = role == null ? State.EXPECT_START : State.HEADER;
  }

  /**
   * Consumes one generated token.
   *
   * @param token the next generated token id
   * @return this parser, for chaining
   * @throws HarmonyException for a token that cannot come next (e.g. text before {@code <|start|>}, or a
   *     malformed header in strict mode)
   */
  public StreamableParser process(int token) {
    if (tokenCount == tokens.length) {
      tokens = Arrays.copyOf(tokens, tokenCount * 2);
    }
    tokens[tokenCount++] = token;
    switch (state) {
      case EXPECT_START -> {
        int start = encoding.id(FormattingToken.START);
        if (token != start) {
          throw new HarmonyException(
              "unexpected token " + token + " while expecting the start token " + start + " (<|start|>)");
        }
        state = State.HEADER;
        headerTokens.clear();
      }
      case HEADER -> {
        if (token == encoding.id(FormattingToken.MESSAGE)) {
          Role role = nextRole;
          state = State.EXPECT_START; // stays so if the header is rejected
          header = parseHeader(decodeHeader(), role, true).header();
          nextRole = null;
          state = State.CONTENT;
          content.setLength(0);
        } else if (!strict && isStop(token)) {
          recoverHeaderWithoutMessageToken();
        } else {
          headerTokens.add(token);
        }
      }
      case CONTENT -> {
        if (isStop(token)) {
          finishMessage();
        } else {
          appendContent(token);
        }
      }
    }
    return this;
  }

  /**
   * Marks the end of the output (no stop token came); closes the message being read.
   *
   * @return this parser, for chaining
   * @throws HarmonyException if the output ended inside a header
   */
  public StreamableParser processEos() {
    switch (state) {
      case EXPECT_START -> {} // the output ended after a stop token: nothing open
      case HEADER -> throw new HarmonyException("unexpected end of output while reading a message header");
      case CONTENT -> finishMessage();
    }
    return this;
  }

  /**
   * The messages completed so far.
   *
   * @return the completed messages in order, an unmodifiable list; the message being read is not included
   */
  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /**
   * Every token given to {@link #process(int)}.
   *
   * @return the ids in order, a new array
   */
  public int[] tokens() {
    return Arrays.copyOf(tokens, tokenCount);
  }

  /**
   * Where the parser is within the current message.
   *
   * @return the current state
   */
  public State state() {
    return state;
  }

  /**
   * The current message's role once its header is read, or the role given up front; else null.
   *
   * @return the role, or null
   */
  public Role currentRole() {
    return state == State.CONTENT ? header.author().role() : nextRole;
  }

  /**
   * The current message's channel once its header is read, else null.
   *
   * @return the channel, or null if unknown yet or the header has none
   */
  public String currentChannel() {
    return state == State.CONTENT ? header.channel() : null;
  }

  /**
   * The current message's recipient once its header is read, else null.
   *
   * @return the recipient, or null if unknown yet or the header has none
   */
  public String currentRecipient() {
    return state == State.CONTENT ? header.recipient() : null;
  }

  /**
   * The current message's content type once its header is read, else null.
   *
   * @return the content type, or null if unknown yet or the header has none
   */
  public String currentContentType() {
    return state == State.CONTENT ? header.contentType() : null;
  }

  /**
   * The current message's text so far (complete characters only); empty outside content.
   *
   * @return the text so far, never null
   */
  public String currentContent() {
    return state == State.CONTENT ? content.toString() : "";
  }

  /**
   * The text the last token added to the content, or null if it added none (e.g. half a character).
   *
   * @return the delta, or null
   */
  public String lastContentDelta() {
    return lastContentDelta;
  }

  private boolean isStop(int token) {
    for (int stop : stopTokens) {
      if (stop == token) {
        return true;
      }
    }
    return false;
  }

  private String decodeHeader() {
    int[] ids = headerTokens.stream().mapToInt(Integer::intValue).toArray();
    try {
      return encoding.tokenizer().decodeStrict(ids);
    } catch (TokenizerException e) {
      throw new HarmonyException("could not decode message header tokens " + headerTokens + ": " + e.getMessage(), e);
    }
  }

  /** A stop token inside a header (lenient mode): the header's words become the message's text. */
  private void recoverHeaderWithoutMessageToken() {
    if (nextRole != null && !headerTokens.isEmpty()) {
      HeaderParse parsed = parseHeader(decodeHeader(), nextRole, false);
      String text = parsed.rest() == null ? "" : parsed.rest();
      messages.add(message(parsed.header(), text));
    }
    state = State.EXPECT_START;
    nextRole = null;
  }

  private void appendContent(int token) {
    undecodedTokens.add(token);
    byte[] bytes;
    try {
      bytes = encoding.tokenizer().decodeBytes(undecodedTokens.stream().mapToInt(Integer::intValue).toArray());
    } catch (TokenizerException e) {
      // an unknown id: keep it, and let the end of the message turn it into U+FFFD
      lastContentDelta = null;
      return;
    }
    appendBytes(bytes);
    undecodedTokens.clear();
    Utf8Prefix prefix = Utf8Prefix.of(undecodedBytes, undecodedLength);
    StringBuilder delta = new StringBuilder();
    if (prefix.validUpTo() > 0) {
      delta.append(new String(undecodedBytes, 0, prefix.validUpTo(), StandardCharsets.UTF_8));
      dropBytes(prefix.validUpTo());
    }
    // As harmony: at most one invalid sequence is replaced per token; bytes after it wait for the next.
    if (prefix.errorLength() > 0) {
      delta.append(REPLACEMENT);
      dropBytes(prefix.errorLength());
    }
    content.append(delta);
    lastContentDelta = delta.isEmpty() ? null : delta.toString();
  }

  private void finishMessage() {
    StringBuilder text = new StringBuilder(content);
    if (!undecodedTokens.isEmpty()) {
      try {
        text.append(encoding.tokenizer().decodeStrict(undecodedTokens.stream().mapToInt(Integer::intValue).toArray()));
      } catch (TokenizerException e) {
        text.append(REPLACEMENT);
      }
    }
    text.append(new String(undecodedBytes, 0, undecodedLength, StandardCharsets.UTF_8));
    messages.add(message(header, text.toString()));
    state = State.EXPECT_START;
    lastContentDelta = null;
    undecodedTokens.clear();
    undecodedLength = 0;
    content.setLength(0);
  }

  private static Message message(ParsedHeader header, String text) {
    return new Message(header.author(), header.recipient(), header.channel(), header.contentType(), List.of(new TextContent(text)));
  }

  private void appendBytes(byte[] bytes) {
    if (undecodedLength + bytes.length > undecodedBytes.length) {
      undecodedBytes = Arrays.copyOf(undecodedBytes, Math.max(undecodedBytes.length * 2, undecodedLength + bytes.length));
    }
    System.arraycopy(bytes, 0, undecodedBytes, undecodedLength, bytes.length);
    undecodedLength += bytes.length;
  }

  private void dropBytes(int count) {
    System.arraycopy(undecodedBytes, count, undecodedBytes, 0, undecodedLength - count);
    undecodedLength -= count;
  }

  record ParsedHeader(Author author, String recipient, String channel, String contentType) {}

  /** A parsed header and the words left over that are not header fields (null if none). */
  record HeaderParse(ParsedHeader header, String rest) {}

  /**
   * Parses header text such as {@code assistant to=functions.f<|channel|>commentary <|constrain|>json}
   * (harmony's {@code parse_header_from_string}). The channel may come before or after the recipient.
   *
   * @param role the role given up front, or null to read it from the first word; an unknown first word
   *     followed by more words names a tool (e.g. {@code browser.search to=assistant})
   * @param fields whether to read recipient and content type; when false every word is left over
   */
  static HeaderParse parseHeader(String text, Role role, boolean fields) {
    String channelMarker = FormattingToken.CHANNEL.text;
    String channel = null;
    int at = text.indexOf(channelMarker);
    if (at >= 0) {
      String after = text.substring(at + channelMarker.length());
      int end = 0;
      while (end < after.length()) {
        int cp = after.codePointAt(end);
        if (HeaderWords.isWhitespace(cp) || cp == '<') {
          break;
        }
        end += Character.charCount(cp);
      }
      if (end == 0) {
        throw new HarmonyException("message header '" + text + "' has <|channel|> but no channel name after it");
      }
      channel = after.substring(0, end);
      text = text.substring(0, at) + after.substring(end);
    }
    text = HeaderWords.trim(text);
    String constrain = FormattingToken.CONSTRAIN.text;
    if (text.contains(constrain)) {
      // "to=f<|constrain|>json": split the content type off the recipient
      text = HeaderWords.trim(text.replace(constrain, " " + constrain));
    }
    List<String> parts = HeaderWords.split(text);
    String roleWord = null;
    if (role == null) {
      if (parts.isEmpty()) {
        throw new HarmonyException("message header '" + text + "' does not start with a role");
      }
      roleWord = parts.getFirst();
      role = Role.find(roleWord);
      if (role == null) {
        if (parts.size() > 1 || roleWord.startsWith("to=")) {
          parts.removeFirst(); // a tool's name, e.g. "browser.search to=assistant"
          role = Role.TOOL;
        } else {
          throw new HarmonyException(
              "unknown role '" + roleWord + "' in message header: expected user, assistant, system, developer,"
                  + " tool or a tool name followed by to=RECIPIENT");
        }
      }
    }
    if (!parts.isEmpty() && parts.getFirst().equals(role.value())) {
      parts.removeFirst();
    }
    String recipient = null;
    String contentType = null;
    if (fields && !parts.isEmpty()) {
      int count = parts.size();
      String last = parts.removeLast();
      if (last.startsWith("to=")) {
        recipient = last.substring(3);
      } else if (count == 1 && last.startsWith(constrain)) {
        // "final <|constrain|>json" (a constrained answer): harmony would take the lone word for a recipient
        contentType = last;
      } else if (count == 1) {
        recipient = last;
      } else {
        contentType = last;
        if (!parts.isEmpty()) {
          String raw = parts.removeLast();
          recipient = raw.startsWith("to=") ? raw.substring(3) : raw;
        }
      }
    }
    String rest = parts.isEmpty() ? null : String.join(" ", parts);
    if (fields && rest != null) {
      throw new HarmonyException(
          "unexpected tokens remaining in message header: '" + rest + "' (expected [to=RECIPIENT]"
              + " [<|channel|>CHANNEL] [CONTENT_TYPE] before <|message|>)");
    }
    Author author = new Author(role, role == Role.TOOL ? roleWord : null);
    return new HeaderParse(new ParsedHeader(author, recipient, channel, contentType), rest);
  }
}
