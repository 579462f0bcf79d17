package io.github.gptoss4j.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.CheckpointException;
import io.github.gptoss4j.generate.AdapterTestModels;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.harmony.ReasoningEffort;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring Boot auto-configuration: a ChatClient one property away, the model loaded once, beans replaceable. */
class GptOssAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(GptOssAutoConfiguration.class, ChatClientAutoConfiguration.class));

  @Test
  void modelPathIsEnoughForAChatClient() {
    runner.withPropertyValues(
            "gptoss.model-path=" + AdapterTestModels.synthDir(),
            "gptoss.chat.max-tokens=4",
            "gptoss.chat.seed=3",
            "gptoss.chat.reasoning-effort=low")
        .run(context -> {
          ChatResponse response = context.getBean(ChatClient.Builder.class).build()
              .prompt().user("Hi").call().chatResponse();
          assertEquals(4, response.getMetadata().getUsage().getCompletionTokens());
          assertEquals("LENGTH", response.getResult().getMetadata().getFinishReason());
          GptOssChatOptions defaults = context.getBean(GptOssChatModel.class).getDefaultOptions();
          assertEquals(3L, defaults.getSeed());
          assertEquals(ReasoningEffort.LOW, defaults.getReasoningEffort());
          assertSame(context.getBean(ChatModel.class), context.getBean(GptOssChatModel.class));
        });
  }

  @Test
  void withoutModelPathNothingIsConfigured() {
    runner.run(context -> {
      assertTrue(context.getBeansOfType(GptOss.class).isEmpty());
      assertTrue(context.getBeansOfType(ChatModel.class).isEmpty());
    });
  }

  @Test
  void aDirectoryWithoutCheckpointFailsTheStartNamingIt(@TempDir Path empty) {
    runner.withPropertyValues("gptoss.model-path=" + empty).run(context -> {
      Throwable failure = context.getStartupFailure();
      while (failure != null && !(failure instanceof CheckpointException)) {
        failure = failure.getCause();
      }
      assertTrue(failure != null, "a CheckpointException: " + context.getStartupFailure());
      assertTrue(failure.getMessage().contains(empty.toString()), failure.getMessage());
    });
  }

  @Test
  void theApplicationsOwnModelIsUsed() {
    runner.withPropertyValues("gptoss.model-path=" + AdapterTestModels.synthDir())
        .withUserConfiguration(OwnModel.class)
        .run(context -> assertSame(OwnModel.MODEL, context.getBean(GptOssChatModel.class).getModel()));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnModel {
    static final GptOss MODEL = AdapterTestModels.scripted("<|channel|>final<|message|>ok<|return|>").model();

    @Bean
    GptOss gptOss() {
      return MODEL;
    }
  }
}
