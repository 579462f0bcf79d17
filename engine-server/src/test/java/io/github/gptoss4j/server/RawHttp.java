package io.github.gptoss4j.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw bytes to the server over loopback, for requests no well-behaved client sends. */
final class RawHttp {
  private RawHttp() {}

  /**
   * What the server answered to {@code request} and whether it closed the connection, within {@code timeoutMs}.
   *
   * @param text everything read
   * @param closed whether the server closed the connection (rather than the wait running out)
   * @param millis how long until it closed or the wait ran out
   */
  record Answer(String text, boolean closed, long millis) {
    int status() {
      return text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
    }
  }

  static Answer send(int port, byte[] request, int timeoutMs) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(timeoutMs);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      boolean closed;
      try {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          got.write(buffer, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (IOException e) {
        closed = true; // reset by the server
      }
      return new Answer(got.toString(StandardCharsets.ISO_8859_1), closed, (System.nanoTime() - start) / 1_000_000);
    }
  }

  static Answer send(int port, String request, int timeoutMs) throws IOException {
    return send(port, request.getBytes(StandardCharsets.UTF_8), timeoutMs);
  }

  /** A POST of {@code body} with the given extra header lines (each ending in CRLF). */
  static String post(String path, String headers, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }
}
