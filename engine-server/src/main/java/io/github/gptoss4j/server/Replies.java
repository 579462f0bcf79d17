package io.github.gptoss4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writing answers: JSON bodies, OpenAI's error object, and the two ways a long answer reaches a client. */
final class Replies {
  static final String JSON_TYPE = "application/json";

  private Replies() {}

  /** A whole JSON answer. */
  static void json(ServerResponse res, int status, JsonNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, JSON_TYPE);
    try {
      res.send(bytes(body));
    } catch (RuntimeException e) {
      throw new ClientGoneException(e);
    }
  }

  /** {@code {"error": {"message", "type", "param", "code"}}}. */
  static ObjectNode error(ApiException e) {
    ObjectNode root = JsonBody.JSON.createObjectNode();
    root.putObject("error").put("message", e.getMessage()).put("type", e.type()).put("param", e.param())
        .put("code", e.code());
    return root;
  }

  static byte[] bytes(JsonNode body) {
    try {
      return JsonBody.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Writes to the response body and flushes; a failure means the client is gone. */
  static void write(OutputStream out, byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException | RuntimeException e) {
      throw new ClientGoneException(e);
    }
  }

  /** Server-sent events: {@code event: NAME} (when named) and {@code data: JSON} per event. */
  static final class EventStream {
    private final OutputStream out;

    EventStream(ServerResponse res) {
      res.status(200);
      res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      res.header(HeaderNames.CACHE_CONTROL, "no-cache");
      try {
        out = res.outputStream();
      } catch (RuntimeException e) {
        throw new ClientGoneException(e);
      }
    }

    void send(Answer.Event e) {
      String event = (e.name() == null ? "" : "event: " + e.name() + "\n") + "data: " + e.data() + "\n\n";
      write(out, event.getBytes(StandardCharsets.UTF_8));
    }

    void close() {
      try {
        out.close();
      } catch (IOException | UncheckedIOException e) {
        // the client left after the last event; nothing is lost
      }
    }
  }

  /**
   * A non-streamed answer that notices a client leaving: once a generation has run for {@link #PERIOD_NANOS},
   * the 200 status goes out and a space (JSON allows leading whitespace) every period after; a failed write
   * means the client left, and unwinding cancels the generation. Answers quicker than that are sent as usual,
   * so their errors keep their status.
   */
  static final class KeepAlive {
    static final long PERIOD_NANOS = 1_000_000_000L;
    private static final byte[] SPACE = {' '};
    private final ServerResponse res;
    private long last = System.nanoTime();
    private OutputStream out;

    KeepAlive(ServerResponse res) {
      this.res = res;
    }

    /** Called between events: writes a space when a period has passed since the last write. */
    void tick() {
      long now = System.nanoTime();
      if (now - last < PERIOD_NANOS) {
        return;
      }
      last = now;
      if (out == null) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, JSON_TYPE);
        try {
          out = res.outputStream();
        } catch (RuntimeException e) {
          throw new ClientGoneException(e);
        }
      }
      write(out, SPACE);
    }

    /** Whether the status is out already (so an error can only go into the body). */
    boolean committed() {
      return out != null;
    }

    /** The answer: sent whole, or after the spaces already written (the status is then 200 whatever it says). */
    void finish(int status, JsonNode body) {
      if (out == null) {
        json(res, status, body);
        return;
      }
      write(out, bytes(body));
      try {
        out.close();
      } catch (IOException | UncheckedIOException e) {
        throw new ClientGoneException(e);
      }
    }
  }
}
