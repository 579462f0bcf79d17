package io.github.gptoss4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A text file a command reads whole: {@code -} is standard input, any other path is opened as given (so
 * {@code /dev/stdin} and pipes work), at most {@code limit} bytes are read (so {@code /dev/zero} cannot exhaust
 * the heap), and the bytes must be UTF-8 (an error names the line and byte offset of the first bad byte).
 *
 * @param path the path as the user gave it
 * @param name how messages name it, e.g. {@code --prompt-file notes.txt}
 * @param limit most bytes accepted
 */
record InputFile(Path path, String name, long limit) {
  /** Largest prompt file: far more text than any context holds. */
  static final long PROMPT_LIMIT = 16L << 20;
  /** Largest input of the check commands ({@code tokenize}, {@code harmony}). */
  static final long CASES_LIMIT = 256L << 20;

  /** The file's text. */
  String read() {
    byte[] bytes = bytes();
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new CliException(invalidUtf8(bytes, in.position()));
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private byte[] bytes() {
    boolean stdin = path.toString().equals("-");
    if (!stdin && Files.isDirectory(path)) {
      throw new CliException(name + ": is a directory, expected a file");
    }
    try (InputStream s = stdin ? System.in : Files.newInputStream(path)) {
      byte[] bytes = s.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw new CliException(String.format(Locale.ROOT, "%s: larger than the limit of %d MiB", name, limit >> 20));
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new CliException(name + ": no such file");
    } catch (IOException e) {
      throw new CliException(name + ": cannot read it: " + e.getMessage());
    }
  }

  private String invalidUtf8(byte[] bytes, int at) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return String.format(Locale.ROOT, "%s: line %d: invalid UTF-8 at byte %d of the line (byte %d of the file, 0x%02x)",
        name, line, at - lineStart + 1, at, bytes[at] & 0xFF);
  }
}
