package io.github.gptoss4j.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the reference's 2-D little-endian float32 {@code .npy} files. */
final class NpyReader {
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)");

  record Array2D(int rows, int cols, float[] data) {
    float get(int r, int c) {
      return data[r * cols + c];
    }
  }

  static Array2D read(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    if (buf.get() != (byte) 0x93 || buf.get() != 'N') {
      throw new IOException(file + ": not an .npy file");
    }
    buf.position(6);
    int major = buf.get();
    buf.get();
    int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
    byte[] header = new byte[headerLength];
    buf.get(header);
    String text = new String(header, StandardCharsets.US_ASCII);
    if (!text.contains("'descr': '<f4'") || text.contains("'fortran_order': True")) {
      throw new IOException(file + ": expected C-order <f4, got " + text);
    }
    Matcher m = SHAPE.matcher(text);
    if (!m.find()) {
      throw new IOException(file + ": expected a 2-D shape, got " + text);
    }
    int rows = Integer.parseInt(m.group(1));
    int cols = Integer.parseInt(m.group(2));
    float[] data = new float[rows * cols];
    buf.asFloatBuffer().get(data);
    return new Array2D(rows, cols, data);
  }

  private NpyReader() {}
}
