package io.github.gptoss4j.springai;

import io.github.gptoss4j.Precision;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ModelOptions;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration: with {@code gptoss.model-path} set, the application context holds one {@link
 * GptOss} (loaded once, closed with the context) and a {@link GptOssChatModel} on it, so Spring AI's {@code
 * ChatClient.Builder} is ready to inject. Either bean can be replaced by one of the application's own.
 */
@AutoConfiguration
@ConditionalOnClass(ChatModel.class)
@ConditionalOnProperty(prefix = "gptoss", name = "model-path")
@EnableConfigurationProperties(GptOssProperties.class)
public class GptOssAutoConfiguration {

  /** Used by Spring; applications get the beans below instead. */
  public GptOssAutoConfiguration() {}

  /**
   * The model in {@code gptoss.model-path}, memory-mapped once and shared by every session.
   *
   * @throws io.github.gptoss4j.CheckpointException (failing the context's start) if the directory holds no
   *     valid checkpoint
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public GptOss gptOss(GptOssProperties properties) {
    ModelOptions.Builder options = ModelOptions.builder()
        .threads(properties.threads())
        .precision(properties.precision() == null ? Precision.EXACT : properties.precision());
    if (properties.maxContext() > 0) {
      options.maxContext(properties.maxContext());
    }
    return GptOss.load(properties.modelPath(), options.build());
  }

  /** The chat model, with {@code gptoss.chat.*} as its default options. */
  @Bean
  @ConditionalOnMissingBean
  public GptOssChatModel gptOssChatModel(GptOss gptOss, GptOssProperties properties) {
    GptOssProperties.Chat chat = properties.chat() == null
        ? new GptOssProperties.Chat(null, null, null, null, null, null, null)
        : properties.chat();
    return GptOssChatModel.builder().model(gptOss).defaultOptions(chat.toOptions()).build();
  }
}
