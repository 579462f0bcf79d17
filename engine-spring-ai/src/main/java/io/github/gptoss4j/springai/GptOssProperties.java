package io.github.gptoss4j.springai;

import io.github.gptoss4j.Precision;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code gptoss.*} properties of {@link GptOssAutoConfiguration}:
 *
 * <pre>
 * gptoss.model-path=/models/gpt-oss-20b     # required: the checkpoint directory
 * gptoss.threads=0                          # kernel threads, 0 = all processors
 * gptoss.precision=exact                    # or int8
 * gptoss.max-context=8192                   # most tokens per conversation, 0 = the model's
 * gptoss.chat.reasoning-effort=low          # low, medium or high
 * gptoss.chat.temperature=0.7
 * gptoss.chat.top-p=0.9
 * gptoss.chat.top-k=0
 * gptoss.chat.max-tokens=1024
 * gptoss.chat.seed=42
 * </pre>
 *
 * @param modelPath the checkpoint directory (Hugging Face or OpenAI layout)
 * @param threads kernel threads; 0 (default) uses all processors
 * @param precision {@code EXACT} (default) or {@code INT8}
 * @param maxContext most tokens (prompt plus reply) per conversation; 0 (default) for the model's context
 * @param chat the default options of every prompt
 */
@ConfigurationProperties("gptoss")
public record GptOssProperties(Path modelPath, int threads, Precision precision, int maxContext, Chat chat) {

  /**
   * Default chat options; each prompt's options override them. Unset ones are the library's defaults.
   *
   * @param model the model name reported in responses; default {@code gpt-oss}
   * @param reasoningEffort how much the model reasons; default Harmony's (medium)
   * @param temperature sampling temperature, 0 for greedy; default 1
   * @param topP nucleus threshold in (0, 1]
   * @param topK top-k cut-off, 0 for none
   * @param maxTokens most tokens per reply, reasoning included
   * @param seed the sampler's seed, for the same reply to the same prompt
   */
  public record Chat(String model, ReasoningEffort reasoningEffort, Double temperature, Double topP, Integer topK,
      Integer maxTokens, Long seed) {

    /** These properties as chat options. */
    public GptOssChatOptions toOptions() {
      return GptOssChatOptions.builder()
          .model(model == null ? "gpt-oss" : model)
          .reasoningEffort(reasoningEffort)
          .temperature(temperature)
          .topP(topP)
          .topK(topK)
          .maxTokens(maxTokens)
          .seed(seed)
          .build();
    }
  }
}
