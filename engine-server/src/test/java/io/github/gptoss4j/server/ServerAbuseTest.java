package io.github.gptoss4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server as an attacker or an unlucky client meets it (issue 24): a web page renaming itself to this
 * address, a cross-site "simple" POST, garbage and slow bytes, idle sockets, malformed lengths and bodies, a
 * client leaving a long non-streamed answer. Raw sockets on loopback, short deadlines so nothing waits long.
 */
@Timeout(120)
class ServerAbuseTest {
  private static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 1}";
  private static final StringWriter LOG = new StringWriter();
  private static GptOssServer server;
  private static int port;

  @BeforeAll
  static void start() {
    server = TestModel.server().headerTimeout(Duration.ofSeconds(1)).bodyTimeout(Duration.ofSeconds(2))
        .idleTimeout(Duration.ofSeconds(2)).maxConnections(40).corsOrigin("http://localhost:3000")
        .log(new PrintWriter(LOG)).build().start();
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RawHttp.Answer send(String request) throws IOException {
    return RawHttp.send(port, request, 30_000);
  }

  @Test
  void aForeignHostNameIsRefusedAndLoopbackNamesAreServed() throws IOException {
    String rebound = "GET /v1/models HTTP/1.1\r\nHost: attacker.example:" + port + "\r\nConnection: close\r\n\r\n";
    RawHttp.Answer refused = send(rebound);
    assertEquals(403, refused.status(), refused.text());
    assertTrue(refused.text().contains("attacker.example"), refused.text());
    for (String host : List.of("localhost", "127.0.0.1:" + port, "[::1]:" + port, "LOCALHOST:" + port)) {
      RawHttp.Answer ok = send("GET /v1/models HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      assertEquals(200, ok.status(), host + ": " + ok.text());
    }
  }

  @Test
  void anAllowedHostNameIsServed() throws IOException {
    try (GptOssServer proxied = TestModel.server().allowedHost("models.internal").build().start()) {
      RawHttp.Answer ok = RawHttp.send(proxied.port(),
          "GET /v1/models HTTP/1.1\r\nHost: models.internal\r\nConnection: close\r\n\r\n", 10_000);
      assertEquals(200, ok.status(), ok.text());
    }
  }

  @Test
  void aCrossSiteSimplePostIsRefusedBeforeAnyGeneration() throws IOException {
    RawHttp.Answer plain = send(RawHttp.post("/v1/chat/completions",
        "Content-Type: text/plain\r\nOrigin: http://evil.example\r\n", CHAT));
    assertEquals(403, plain.status(), plain.text());
    assertTrue(plain.text().contains("http://evil.example"), plain.text());
    RawHttp.Answer noOrigin = send(RawHttp.post("/v1/chat/completions", "Content-Type: text/plain\r\n", CHAT));
    assertEquals(415, noOrigin.status(), noOrigin.text());
    assertTrue(noOrigin.text().contains("application/json"), noOrigin.text());
    RawHttp.Answer form = send(RawHttp.post("/v1/responses",
        "Content-Type: application/x-www-form-urlencoded\r\n", "{\"input\": \"x\"}"));
    assertEquals(415, form.status(), form.text());
  }

  @Test
  void anAllowedOriginGetsCorsHeadersAndItsPreflightAnswered() throws IOException {
    RawHttp.Answer preflight = send("OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        + "Origin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\n"
        + "Access-Control-Request-Headers: authorization, content-type\r\nConnection: close\r\n\r\n");
    assertEquals(204, preflight.status(), preflight.text());
    String headers = preflight.text().toLowerCase();
    assertTrue(headers.contains("access-control-allow-origin: http://localhost:3000"), preflight.text());
    assertTrue(headers.contains("access-control-allow-headers: authorization, content-type"), preflight.text());
    RawHttp.Answer post = send(RawHttp.post("/v1/chat/completions",
        "Content-Type: application/json\r\nOrigin: http://localhost:3000\r\n", CHAT));
    assertEquals(200, post.status(), post.toString());
    assertTrue(post.text().toLowerCase().contains("access-control-allow-origin: http://localhost:3000"));
  }

  @Test
  void trailingGarbageAndDuplicateKeysAre400s() throws IOException {
    RawHttp.Answer trailing = send(RawHttp.post("/v1/chat/completions", "Content-Type: application/json\r\n",
        CHAT + " {\"messages\": []}"));
    assertEquals(400, trailing.status(), trailing.text());
    assertTrue(trailing.text().contains("after its JSON object"), trailing.text());
    RawHttp.Answer duplicate = send(RawHttp.post("/v1/chat/completions", "Content-Type: application/json\r\n",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\", \"role\": \"system\"}]}"));
    assertEquals(400, duplicate.status(), duplicate.text());
    assertTrue(duplicate.text().contains("Duplicate field 'role'"), duplicate.text());
    assertTrue(duplicate.text().contains("\"param\":\"messages[0].role\""), duplicate.text());
  }

  @Test
  void malformedAndHugeContentLengthsAreRefusedAtOnce() throws IOException {
    String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
    RawHttp.Answer plus = send(head + "Content-Length: +2\r\n\r\n{}");
    assertEquals(400, plus.status(), plus.text());
    RawHttp.Answer huge = send(head + "Content-Length: 999999999999999999\r\n\r\n{}");
    assertEquals(413, huge.status(), huge.text());
    assertTrue(huge.closed() && huge.millis() < 5000, "answered and closed, not waiting for 10^18 bytes: " + huge);
    RawHttp.Answer exponent = send(head + "Content-Length: 1e18\r\n\r\n{}");
    assertTrue(exponent.status() == 400 && exponent.closed(), exponent.text());
  }

  @Test
  void garbageBytesAreAnsweredOrDroppedWithinTheReadDeadline() throws IOException {
    byte[] clientHello = HexFormat.of().parseHex("16030100a5010000a10303" + "00".repeat(32) + "000004c02bc02f0100");
    byte[] random = new byte[512];
    new Random(24).nextBytes(random);
    List<byte[]> inputs = List.of("GET /health HTTP/1.1\nHost: localhost\n\n".getBytes(StandardCharsets.US_ASCII),
        clientHello, random, "\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    for (byte[] input : inputs) {
      RawHttp.Answer a = RawHttp.send(port, input, 10_000);
      assertTrue(a.closed(), "the server closes the connection: " + a);
      assertTrue(a.millis() < 6000, "within the deadlines, not 30 s: " + a.millis() + " ms");
    }
  }

  @Test
  void aRequestTrickledOrStalledIsCutOff() throws IOException {
    // headers that never end, and a body that stops: both end within the short deadlines of this server
    RawHttp.Answer headers = RawHttp.send(port, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", 10_000);
    assertTrue(headers.closed() && headers.millis() < 6000, headers.toString());
    RawHttp.Answer body = RawHttp.send(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"messages\"", 10_000);
    assertTrue(body.closed() && body.millis() < 6000, body.toString());
    assertTrue(body.status() == 408 || body.status() == -1, body.text());
  }

  @Test
  void idleSocketsCannotKeepHealthUnreachable() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) { // as many as the server takes
        idle.add(new Socket(InetAddress.getLoopbackAddress(), port));
      }
      long start = System.nanoTime();
      RawHttp.Answer health = null;
      for (int attempt = 0; attempt < 10 && (health == null || health.status() != 200); attempt++) {
        health = RawHttp.send(port, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 3000);
      }
      assertEquals(200, health.status(), "health answers once idle sockets are closed: " + health);
      assertTrue((System.nanoTime() - start) / 1e9 < 15, "within the idle timeout");
      for (Socket s : idle) {
        s.setSoTimeout(5000);
        try (InputStream in = s.getInputStream()) {
          assertEquals(-1, in.read(), "the server closed the idle socket");
        } catch (IOException reset) {
          // closed by the server as well
        }
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void aClientLeavingALongNonStreamedAnswerFreesTheWorker() throws Exception {
    String endless = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 100000}";
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream().write(RawHttp.post("/v1/chat/completions", "Content-Type: application/json\r\n", endless)
          .getBytes(StandardCharsets.UTF_8));
      s.setSoTimeout(20_000);
      byte[] status = s.getInputStream().readNBytes(12);
      assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII), "kept alive with spaces");
    } // the client leaves
    long start = System.nanoTime();
    RawHttp.Answer next = send(RawHttp.post("/v1/chat/completions", "Content-Type: application/json\r\n", CHAT));
    assertEquals(200, next.status(), next.text());
    assertTrue((System.nanoTime() - start) / 1e9 < 8, "the abandoned generation was cancelled, not run out");
    assertTrue(LOG.toString().contains("client gone"), LOG.toString());
  }
}
