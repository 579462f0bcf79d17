package io.github.gptoss4j.server;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link GptOssServer.Builder} was given, checked.
 *
 * @param host address to listen on
 * @param port TCP port (0: any free one)
 * @param parallel most generations at a time
 * @param maxQueue most requests waiting for a generation slot; past it, 429
 * @param apiKey the bearer token every request but {@code /health} must carry; null for none
 * @param corsOrigins origins a browser page may call from ({@code *}: any); every other {@code Origin} is refused
 * @param allowedHosts {@code Host} names accepted besides the loopback names; empty and bound beyond loopback:
 *     any
 * @param requestTimeout longest a generation may run; null for no limit
 * @param headerTimeout longest the server waits for a request's headers once its first line arrived
 * @param bodyTimeout longest the server waits for a whole request body
 * @param idleTimeout how long a connection without a request in progress stays open
 * @param maxConnections most connections open at once
 * @param defaultMaxTokens reply length when a request gives none; 0 for up to the context
 * @param replyChannel the channel replies are opened on (see {@code GenerationRequest.Builder#replyChannel}), or
 *     null
 */
record ServerSettings(
    String host,
    int port,
    int parallel,
    int maxQueue,
    String apiKey,
    List<String> corsOrigins,
    List<String> allowedHosts,
    Duration requestTimeout,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections,
    int defaultMaxTokens,
    String replyChannel) {

  /** Largest request body accepted (413 above). */
  static final int MAX_BODY_BYTES = 8 << 20;

  ServerSettings {
    corsOrigins = List.copyOf(corsOrigins);
    allowedHosts = List.copyOf(allowedHosts);
  }
}
