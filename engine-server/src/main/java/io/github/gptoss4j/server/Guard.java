package io.github.gptoss4j.server;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Checks every request before it is routed, against the attacks of docs/security.md: a {@code Host} that is not
 * this server's (DNS rebinding), a foreign {@code Origin} (a web page posting cross-site), a body that is not
 * {@code application/json} (a CSRF "simple" request), a missing API key, and a malformed or oversized {@code
 * Content-Length}. Allowed origins get CORS headers and their preflight answered.
 */
final class Guard implements Filter {
  private static final HeaderName ORIGIN = HeaderNames.create("Origin");
  private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");
  private static final HeaderName REQUEST_HEADERS = HeaderNames.create("Access-Control-Request-Headers");
  private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

  private final ServerSettings settings;
  private final boolean anyHost;
  private final BiConsumer<RoutingResponse, ApiException> refuse;

  /** @param refuse answers a refused request (with the error object, and counts it) */
  Guard(ServerSettings settings, BiConsumer<RoutingResponse, ApiException> refuse) {
    this.settings = settings;
    this.anyHost = settings.allowedHosts().isEmpty() && !loopback(settings.host());
    this.refuse = refuse;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    try {
      checkHost(req);
      if (cors(req, res)) {
        return; // a preflight, answered
      }
      checkApiKey(req, res);
      if (req.prologue().method().equals(Method.POST)) {
        checkContentType(req);
      }
      checkContentLength(req, res);
    } catch (ApiException e) {
      refuse.accept(res, e);
      return;
    }
    chain.proceed();
  }

  private void checkHost(RoutingRequest req) {
    Optional<String> host = req.headers().first(HeaderNames.HOST);
    if (host.isEmpty() || anyHost) {
      return;
    }
    String name = hostName(host.get());
    if (LOOPBACK_NAMES.contains(name) || settings.allowedHosts().contains(name)) {
      return;
    }
    throw new ApiException(403, "invalid_request_error", null, "host_not_allowed", "Host '" + host.get()
        + "' is not this server's name; a page that renamed itself to this address (DNS rebinding) is refused."
        + " Allow the name with --allowed-host");
  }

  /** {@code example.com:8080} → {@code example.com}, {@code [::1]:8080} → {@code ::1}, lower case. */
  static String hostName(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Refuses a foreign origin; for an allowed one adds the CORS headers. Returns true for an answered preflight. */
  private boolean cors(RoutingRequest req, RoutingResponse res) {
    Optional<String> origin = req.headers().first(ORIGIN);
    if (origin.isEmpty()) {
      return false;
    }
    List<String> allowed = settings.corsOrigins();
    if (!allowed.contains("*") && !allowed.contains(origin.get())) {
      throw new ApiException(403, "invalid_request_error", null, "origin_not_allowed", "requests from a web page at "
          + origin.get() + " are refused (a page may not use this server unless it is allowed with --cors-origin)");
    }
    res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed.contains("*") ? "*" : origin.get());
    res.header(HeaderNames.VARY, "Origin");
    if (req.prologue().method().equals(Method.OPTIONS) && req.headers().contains(REQUEST_METHOD)) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
          req.headers().first(REQUEST_HEADERS).orElse("Authorization, Content-Type"));
      res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
      res.status(204).send();
      return true;
    }
    return false;
  }

  private void checkApiKey(RoutingRequest req, RoutingResponse res) {
    if (settings.apiKey() == null || req.path().path().equals("/health")) {
      return;
    }
    String given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
    byte[] expected = ("Bearer " + settings.apiKey()).getBytes(StandardCharsets.UTF_8);
    // constant time, so the key cannot be guessed a byte at a time from response times
    if (!MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
      throw new ApiException(401, "invalid_request_error", null, "invalid_api_key", given.isEmpty()
          ? "this server needs an API key: send the header 'Authorization: Bearer KEY'"
          : "the API key in the Authorization header is not this server's");
    }
  }

  private static void checkContentType(RoutingRequest req) {
    String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    if (!media.equals(Replies.JSON_TYPE)) {
      throw new ApiException(415, "invalid_request_error", null, "unsupported_media_type",
          "Content-Type must be application/json, got " + (type.isEmpty() ? "none" : "'" + type + "'"));
    }
  }

  private static void checkContentLength(RoutingRequest req, RoutingResponse res) {
    List<String> lengths = req.headers().values(HeaderNames.CONTENT_LENGTH);
    if (lengths.isEmpty()) {
      return;
    }
    String length = lengths.getFirst().trim();
    if (lengths.size() > 1 || !length.matches("\\d{1,19}")) {
      res.header(HeaderNames.CONNECTION, "close");
      throw ApiException.invalid(null,
          "Content-Length must be one decimal number of bytes, got '" + String.join(", ", lengths) + "'");
    }
    if (length.length() > 18 || Long.parseLong(length) > ServerSettings.MAX_BODY_BYTES) {
      res.header(HeaderNames.CONNECTION, "close"); // the body is not read, so the connection cannot be reused
      throw Bodies.tooLarge();
    }
  }
}
