package io.github.gptoss4j.langchain4j;

import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models loaded by {@code modelPath(...)}, one per directory and options for the life of the JVM: a chat model
 * and a streaming chat model built on the same directory share one mapping of the weights. LangChain4j's models
 * have no {@code close()}, so these stay loaded; an application that must unload one passes its own {@link
 * GptOss} to {@code model(...)} and closes it.
 */
final class SharedModels {
  private record Key(Path dir, ModelOptions options) {}

  private static final Map<Key, GptOss> LOADED = new ConcurrentHashMap<>();

  private SharedModels() {}

  static GptOss load(Path dir, ModelOptions options) {
    return LOADED.computeIfAbsent(new Key(realPath(dir), options), key -> GptOss.load(key.dir(), key.options()));
  }

  /** The same directory under another name (a symlink, a relative path) is the same model. */
  private static Path realPath(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      // GptOss.load names the missing directory in its own error.
      return dir.toAbsolutePath().normalize();
    }
  }

}
