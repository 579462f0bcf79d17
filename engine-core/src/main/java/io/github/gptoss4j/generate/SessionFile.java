package io.github.gptoss4j.generate;

import io.github.gptoss4j.harmony.Conversation;
import io.github.gptoss4j.harmony.HarmonyException;
import io.github.gptoss4j.harmony.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A session saved to a file ({@link ChatSession#save}, {@link GptOss#restoreSession}): the magic
 * {@code GPTOSS4J-SESSION}, a format version, the conversation as Harmony JSON, the cached tokens with the
 * model's KV shape and their KV state, and a CRC-32 of everything before it. Written to a temporary sibling
 * and moved into place, so an existing file is replaced whole or not at all.
 */
final class SessionFile {
  private static final byte[] MAGIC = "GPTOSS4J-SESSION".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int MAX_JSON_BYTES = 256 << 20;

  private SessionFile() {}

  static void write(Path file, List<Message> history, PrefixCache cache) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
      CRC32 crc = new CRC32();
      try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
        out.write(MAGIC);
        out.writeInt(VERSION);
        byte[] json = new Conversation(history).toJson().getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
        cache.writeTo(out);
        out.flush();
        new DataOutputStream(raw).writeLong(crc.getValue());
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw new GenerationException("cannot save the session to " + file + ": " + e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // the temporary file is ours and harmless; the save already failed with its own error
        }
      }
    }
  }

  /** Reads a saved session into {@code cache} and returns its conversation. */
  static List<Message> read(Path file, PrefixCache cache, int vocab) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      CRC32 crc = new CRC32();
      DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc));
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new GenerationException(file + " is not a saved gptoss4j session (it does not start with GPTOSS4J-SESSION)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new GenerationException(
            file + " is a session file of format version " + version + "; this gptoss4j reads version " + VERSION);
      }
      int jsonBytes = in.readInt();
      if (jsonBytes < 0 || jsonBytes > MAX_JSON_BYTES) {
        throw new GenerationException(file + ": the conversation claims " + jsonBytes + " bytes");
      }
      byte[] json = new byte[jsonBytes];
      in.readFully(json);
      List<Message> history = Conversation.fromJson(new String(json, StandardCharsets.UTF_8)).messages();
      cache.readFrom(in, vocab);
      long computed = crc.getValue();
      long stored = new DataInputStream(raw).readLong();
      if (stored != computed || raw.read() != -1) {
        throw new GenerationException(file + " is corrupt: its checksum does not match its content");
      }
      return history;
    } catch (EOFException e) {
      throw new GenerationException(file + " is truncated: it ends before the saved session does");
    } catch (HarmonyException e) {
      throw new GenerationException(file + ": its conversation is not valid Harmony JSON: " + e.getMessage());
    } catch (IOException e) {
      throw new GenerationException("cannot restore the session from " + file + ": " + e.getMessage());
    }
  }
}
