package io.github.gptoss4j.server;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Random ids for answers, items and calls, with OpenAI's prefixes ({@code chatcmpl-}, {@code resp_}, ...). */
final class Ids {
  private Ids() {}

  static String next(String prefix) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return prefix + HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
  }
}
