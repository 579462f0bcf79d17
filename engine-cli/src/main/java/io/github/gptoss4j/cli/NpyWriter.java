package io.github.gptoss4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes a 2-D float32 array as NumPy {@code .npy} (version 1.0, little-endian {@code <f4}, C order). */
final class NpyWriter {
  private NpyWriter() {}

  static void write(OutputStream out, float[] data, int rows, int cols) throws IOException {
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(rows + "×" + cols + " does not match " + data.length + " values");
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    // The header (magic, version, length, dict, padding, newline) is padded to a multiple of 64 bytes.
    int unpadded = 10 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    prefix.putShort((short) header.length());
    out.write(prefix.array());
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer body = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.length; i += 8192) {
      body.clear();
      body.asFloatBuffer().put(data, i, Math.min(8192, data.length - i));
      out.write(body.array(), 0, 4 * Math.min(8192, data.length - i));
    }
  }
}
