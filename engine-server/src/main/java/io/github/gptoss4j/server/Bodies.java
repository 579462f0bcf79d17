package io.github.gptoss4j.server;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/** Reads request bodies: at most {@link ServerSettings#MAX_BODY_BYTES}, within the body deadline. */
final class Bodies {
  /** Most of an oversized chunked body read and dropped before the 413, so the client sees it, not a reset. */
  private static final long MAX_DISCARD_BYTES = 64L << 20;

  private Bodies() {}

  static byte[] read(ServerRequest req, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 << 10];
    try (InputStream in = req.content().inputStream()) {
      long total = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
        if (System.nanoTime() > end) {
          throw slow(deadline);
        }
        if (total > MAX_DISCARD_BYTES) {
          throw tooLarge();
        }
        if (total <= ServerSettings.MAX_BODY_BYTES) {
          body.write(buffer, 0, n);
        }
      }
      if (total > ServerSettings.MAX_BODY_BYTES) {
        throw tooLarge();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ApiException api) {
        throw api;
      }
      // the socket's read deadline passed, or the client closed mid-body
      throw new ApiException(408, "invalid_request_error", null, "request_timeout",
          "the request body stopped arriving before its end (" + e.getMessage() + ")");
    }
    return body.toByteArray();
  }

  static ApiException tooLarge() {
    return new ApiException(413, "invalid_request_error", null, "request_too_large",
        "the request body is larger than " + ServerSettings.MAX_BODY_BYTES + " bytes");
  }

  private static ApiException slow(Duration deadline) {
    return new ApiException(408, "invalid_request_error", null, "request_timeout",
        "the request body did not arrive within " + deadline.toSeconds() + " s");
  }
}
