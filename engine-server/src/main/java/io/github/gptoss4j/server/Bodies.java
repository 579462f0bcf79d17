package io.github.gptoss4j.server;

import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies: at most {@link ServerSettings#MAX_BODY_BYTES} (the deadline is {@link Deadlines}'). */
final class Bodies {
  /** Most of an oversized chunked body read and dropped before the 413, so the client sees it, not a reset. */
  private static final long MAX_DISCARD_BYTES = 64L << 20;

  private Bodies() {}

  static byte[] read(ServerRequest req) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 << 10];
    try (InputStream in = req.content().inputStream()) {
      long total = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
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
      // the body deadline passed, or the client closed mid-body
      throw new ApiException(408, "invalid_request_error", null, "request_timeout",
          "the request body did not arrive whole (" + e + ")");
    }
    return body.toByteArray();
  }

  static ApiException tooLarge() {
    return new ApiException(413, "invalid_request_error", null, "request_too_large",
        "the request body is larger than " + ServerSettings.MAX_BODY_BYTES + " bytes");
  }
}
