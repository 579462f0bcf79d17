package io.github.gptoss4j.generate;

import java.nio.file.Path;
import java.util.List;

/**
 * This package's test models, opened through engine-core's test-jar to the framework adapters' tests
 * (engine-langchain4j, engine-spring-ai): a scripted model whose replies are fixed Harmony text (so tool and
 * JSON flows are deterministic), and a small random-weight checkpoint with the real vocabulary (so the real
 * forward pass runs).
 */
public final class AdapterTestModels {
  private AdapterTestModels() {}

  /** A model that answers with {@code replies}, one after the other, each written in Harmony text. */
  public static Scripted scripted(String... replies) {
    ScriptedModel script = new ScriptedModel();
    for (String reply : replies) {
      script.then(reply);
    }
    return new Scripted(script);
  }

  /** The directory of engine-core's synthetic test checkpoint (written once per JVM). */
  public static Path synthDir() {
    return SynthModel.dir();
  }

  /** A scripted model and what it was given. */
  public static final class Scripted {
    private final ScriptedModel script;
    private final GptOss model;

    private Scripted(ScriptedModel script) {
      this.script = script;
      this.model = script.model();
    }

    /** The model; its sessions share one script. */
    public GptOss model() {
      return model;
    }

    /** Every token the model has run (prompts and replies), as Harmony text. */
    public String forwardedText() {
      List<Integer> tokens;
      synchronized (script.forwarded) {
        tokens = List.copyOf(script.forwarded);
      }
      return ScriptedModel.TOKENIZER.decode(tokens.stream().mapToInt(Integer::intValue).toArray());
    }

    /** How many tokens the model has been asked to choose. */
    public int tokensServed() {
      return script.logitsServed.get();
    }

    /** Runs before every forward pass (e.g. to slow the model down). */
    public void beforeForward(Runnable action) {
      script.beforeForward = action;
    }
  }
}
