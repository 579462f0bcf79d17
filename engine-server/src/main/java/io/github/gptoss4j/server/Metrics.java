package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.GenerationEvent.Done;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.Stats;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The counters {@code GET /metrics} shows in Prometheus' text format: requests by route and status, queue depth
 * and running generations, prompt and generated tokens, time to first token and decode speed (from the served
 * model's {@link GptOss#onGeneration} hook, one {@link Done} per generation: every choice of a request with
 * {@code n > 1}), and the KV cache's memory ({@link GptOss#kvCacheBytes()}, {@link GptOss#prefixCacheBytes()}).
 */
final class Metrics {
  private final Map<String, LongAdder> requests = new ConcurrentSkipListMap<>();
  private final LongAdder generations = new LongAdder();
  private final LongAdder promptTokens = new LongAdder();
  private final LongAdder cachedTokens = new LongAdder();
  private final LongAdder generatedTokens = new LongAdder();
  private final LongAdder ttftMicros = new LongAdder();
  private final LongAdder decodeMicros = new LongAdder();
  private final LongAdder decodedTokens = new LongAdder();
  private final IntSupplier queued;
  private final IntSupplier running;
  private final Supplier<GptOss> model;

  /** @param model the model served, or null while it loads */
  Metrics(IntSupplier queued, IntSupplier running, Supplier<GptOss> model) {
    this.queued = queued;
    this.running = running;
    this.model = model;
  }

  void request(String route, int status) {
    requests.computeIfAbsent("route=\"" + route + "\",status=\"" + status + "\"", k -> new LongAdder()).increment();
  }

  /** Counts a finished generation of the served model; called on its generating thread. */
  void generation(Done done) {
    Stats s = done.stats();
    generations.increment();
    promptTokens.add(s.promptTokens());
    cachedTokens.add(s.cachedTokens());
    generatedTokens.add(s.generatedTokens());
    if (s.generatedTokens() > 0) {
      ttftMicros.add(s.timeToFirstTokenNanos() / 1000);
    }
    if (s.decodeTokensPerSecond() > 0) {
      int decoded = s.generatedTokens() - 1;
      decodedTokens.add(decoded);
      decodeMicros.add((long) (decoded / s.decodeTokensPerSecond() * 1e6));
    }
  }

  /** The exposition text. */
  String render() {
    StringBuilder out = new StringBuilder();
    help(out, "gptoss_requests_total", "counter", "HTTP requests answered, by route and status");
    requests.forEach((labels, n) -> out.append("gptoss_requests_total{").append(labels).append("} ")
        .append(n.sum()).append('\n'));
    gauge(out, "gptoss_queue_depth", "requests waiting for a generation slot", queued.getAsInt());
    gauge(out, "gptoss_generations_running", "generations running now", running.getAsInt());
    GptOss served = model.get();
    gauge(out, "gptoss_kv_cache_bytes", "off-heap bytes of every KV cache of the model now: open sessions'"
        + " (a request's n choices each have one) and the prefix cache's", served == null ? 0 : served.kvCacheBytes());
    gauge(out, "gptoss_prefix_cache_bytes", "off-heap bytes of the shared prefix cache (part of"
        + " gptoss_kv_cache_bytes)", served == null ? 0 : served.prefixCacheBytes());
    counter(out, "gptoss_generations_total", "generations finished", generations.sum());
    counter(out, "gptoss_prompt_tokens_total", "prompt tokens of finished generations", promptTokens.sum());
    counter(out, "gptoss_cached_prompt_tokens_total", "prompt tokens reused from a KV cache", cachedTokens.sum());
    counter(out, "gptoss_generated_tokens_total", "tokens generated", generatedTokens.sum());
    counter(out, "gptoss_time_to_first_token_seconds_total",
        "summed time to first token (divide by gptoss_generations_total)", ttftMicros.sum() / 1e6);
    counter(out, "gptoss_decode_seconds_total", "time spent decoding after the first token", decodeMicros.sum() / 1e6);
    counter(out, "gptoss_decoded_tokens_total",
        "tokens decoded after the first (divided by gptoss_decode_seconds_total: tokens/s)", decodedTokens.sum());
    return out.toString();
  }

  private static void help(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void gauge(StringBuilder out, String name, String help, double value) {
    help(out, name, "gauge", help);
    out.append(name).append(' ').append(number(value)).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, double value) {
    help(out, name, "counter", help);
    out.append(name).append(' ').append(number(value)).append('\n');
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
  }
}
