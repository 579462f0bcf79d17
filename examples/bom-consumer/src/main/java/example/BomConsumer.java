package example;

import io.github.gptoss4j.GptOssException;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GenerationResult;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.SamplingOptions;
import io.github.gptoss4j.generate.Stats;
import java.nio.file.Path;

/** Answers one question with the model directory given, and prints the stats the metrics hook reports. */
public final class BomConsumer {
  private BomConsumer() {}

  public static void main(String[] args) {
    GenerationRequest ask = GenerationRequest.builder()
        .user("hi")
        .replyChannel("final")
        .maxTokens(4)
        .sampling(SamplingOptions.builder().seed(1).build())
        .build();
    try (GptOss model = GptOss.load(Path.of(args[0]));
        ChatSession chat = model.newSession()) {
      model.onGeneration(done -> {
        Stats s = done.stats();
        System.out.printf("metrics: %d prompt tokens, %d generated, %s%n",
            s.promptTokens(), s.generatedTokens(), done.stopReason());
      });
      GenerationResult answer = chat.generate(ask);
      System.out.println("answer: " + answer.finalText().strip());
      if (answer.tokens().isEmpty()) {
        System.err.println("bom-consumer: no tokens generated");
        System.exit(1);
      }
    } catch (GptOssException e) {
      System.err.println("bom-consumer: " + e.getMessage());
      System.exit(1);
    }
  }
}
