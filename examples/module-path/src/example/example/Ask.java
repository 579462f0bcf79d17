package example;

import io.github.gptoss4j.GptOssException;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GenerationResult;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.SamplingOptions;
import java.nio.file.Path;

/** Loads the model directory given as the first argument and answers one question. */
public final class Ask {
  private Ask() {}

  public static void main(String[] args) {
    GenerationRequest ask = GenerationRequest.builder()
        .user("Why is the sky blue?")
        .replyChannel("final")
        .maxTokens(16)
        .sampling(SamplingOptions.builder().seed(1).build())
        .build();
    try (GptOss model = GptOss.load(Path.of(args[0]));
        ChatSession chat = model.newSession()) {
      GenerationResult answer = chat.generate(ask);
      System.out.println(answer.finalText());
      System.out.println(answer.tokens().size() + " tokens, " + answer.stopReason());
    } catch (GptOssException e) {
      System.err.println("ask: " + e.getMessage());
      System.exit(1);
    }
  }
}
