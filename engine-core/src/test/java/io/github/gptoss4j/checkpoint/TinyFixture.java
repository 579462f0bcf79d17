package io.github.gptoss4j.checkpoint;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The tiny-gpt-oss fixture copied from the shared reference data into the test resources. */
final class TinyFixture {
  private TinyFixture() {}

  static Path dir() {
    try {
      return Path.of(TinyFixture.class.getResource("/tiny-gpt-oss/config.json").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
