package io.github.gptoss4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gptoss4j.KvType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session saved to a file and restored continues exactly; bad files fail naming the file. */
class SessionFileTest {
  private static GptOss model;

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    model = GptOss.load(SynthModel.dir(), ModelOptions.builder().prefixCacheBytes(0).build());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static GenerationRequest turn(String user) {
    return GenerationRequest.builder()
        .user(user)
        .replyChannel("final")
        .maxTokens(6)
        .sampling(SamplingOptions.builder().temperature(0.8).seed(9).logprobs(3).build())
        .build();
  }

  private Path saved() {
    Path file = dir.resolve("chat.session");
    try (ChatSession chat = model.newSession()) {
      chat.generate(turn("Hello, who are you?"));
      chat.save(file);
    }
    return file;
  }

  @Test
  void aRestoredSessionContinuesExactlyAsTheOriginal() {
    Path file = dir.resolve("chat.session");
    GenerationResult continued;
    try (ChatSession chat = model.newSession()) {
      chat.generate(turn("Hello, who are you?"));
      chat.save(file);
      continued = chat.generate(turn("Tell me more."));
    }
    try (ChatSession restored = model.restoreSession(file)) {
      assertEquals(2, restored.conversation().size(), "the user message and the reply");
      GenerationResult again = restored.generate(turn("Tell me more."));
      assertEquals(continued.tokens(), again.tokens());
      assertEquals(continued.stats().cachedTokens(), again.stats().cachedTokens());
      assertTrue(again.stats().cachedTokens() > 20, "cached " + again.stats().cachedTokens());
      assertEquals(continued.finalText(), again.finalText());
    }
  }

  @Test
  void aSessionFromAnotherModelOrOptionsIsRefused() {
    Path file = saved();
    try (GptOss bf16 = GptOss.load(SynthModel.dir(), ModelOptions.builder().kvType(KvType.BF16).build())) {
      GenerationException e = assertThrows(GenerationException.class, () -> bf16.restoreSession(file));
      assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("another model or KV options"),
          e.getMessage());
    }
  }

  @Test
  void truncatedCorruptOrForeignFilesAreRefusedNamingTheFile() throws IOException {
    byte[] good = Files.readAllBytes(saved());
    Path truncated = Files.write(dir.resolve("truncated"), Arrays.copyOf(good, good.length / 2));
    assertRefused(truncated, "truncated");
    byte[] flipped = good.clone();
    flipped[good.length - 100] ^= 0x10;
    assertRefused(Files.write(dir.resolve("corrupt"), flipped), "corrupt");
    assertRefused(Files.writeString(dir.resolve("foreign"), "{\"not\": \"a session\"}"), "not a saved gptoss4j session");
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertRefused(Files.write(dir.resolve("longer"), longer), "corrupt");
  }

  private static void assertRefused(Path file, String why) {
    GenerationException e = assertThrows(GenerationException.class, () -> model.restoreSession(file));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void savingReplacesAFileWholeAndFailsNamingAMissingDirectory() throws IOException {
    Path file = Files.writeString(dir.resolve("chat.session"), "old content");
    try (ChatSession chat = model.newSession()) {
      chat.generate(turn("Hi"));
      chat.save(file);
      Path missing = dir.resolve("no/such/dir/chat.session");
      GenerationException e = assertThrows(GenerationException.class, () -> chat.save(missing));
      assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
    try (ChatSession restored = model.restoreSession(file)) {
      assertEquals(2, restored.conversation().size());
    }
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }
}
