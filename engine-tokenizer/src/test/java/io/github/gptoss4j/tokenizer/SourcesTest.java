package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three sources (embedded, tiktoken file, tokenizer.json) give identical results. */
class SourcesTest {
  /** The ground-truth files, present on the development machine only. */
  private static final Path SHARED = Path.of("/work/shared/tokenizer");

  private static void assertGoldenCases(Tokenizer tokenizer) throws IOException {
    for (GoldenCases c : GoldenCases.load()) {
      assertArrayEquals(c.ids(), tokenizer.encode(c.text(), c.allowed()), c.toString());
      if (c.roundtrip()) {
        assertEquals(c.text(), tokenizer.decode(c.ids()));
      }
    }
  }

  @Test
  void tiktokenFileGzippedMatchesGoldenCases() throws Exception {
    assertGoldenCases(Tokenizer.fromTiktoken(embeddedRanksFile()));
  }

  @Test
  void sharedTiktokenFileMatchesGoldenCases() throws IOException {
    Path file = SHARED.resolve("o200k_base.tiktoken");
    assumeTrue(Files.isRegularFile(file), "ground truth not present");
    assertGoldenCases(Tokenizer.fromTiktoken(file));
  }

  @Test
  void sharedTokenizerJsonMatchesGoldenCasesAndEmbeddedVocabulary() throws IOException {
    Path file = SHARED.resolve("tokenizer.json");
    assumeTrue(Files.isRegularFile(file), "ground truth not present");
    Tokenizer json = Tokenizer.fromTokenizerJson(file);
    assertGoldenCases(json);
    Tokenizer embedded = Tokenizer.o200kHarmony();
    for (int id = 0; id < 199998; id++) {
      assertArrayEquals(embedded.tokenBytes(id), json.tokenBytes(id), "token " + id);
    }
  }

  @Test
  void modelDirWithoutTokenizerJsonUsesEmbedded(@TempDir Path dir) {
    assertSame(Tokenizer.o200kHarmony(), Tokenizer.fromModelDir(dir));
  }

  @Test
  void craftedTokenizerJsonAndEquivalentTiktokenFileAgree(@TempDir Path dir) throws IOException {
    // 256 byte tokens plus "ab" (256), "abc" (257), " a" (258), "cc" (259), in GPT-2's byte alphabet.
    String[] extra = {"ab", "abc", " a", "cc"};
    StringBuilder vocab = new StringBuilder();
    StringBuilder ranks = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      vocab.append(b == 0 ? "" : ",").append(jsonString(byteLevel(new byte[] {(byte) b}))).append(':').append(b);
      ranks.append(Base64.getEncoder().encodeToString(new byte[] {(byte) b})).append(' ').append(b).append('\n');
    }
    for (int i = 0; i < extra.length; i++) {
      byte[] bytes = extra[i].getBytes(StandardCharsets.UTF_8);
      vocab.append(',').append(jsonString(byteLevel(bytes))).append(':').append(256 + i);
      ranks.append(Base64.getEncoder().encodeToString(bytes)).append(' ').append(256 + i).append('\n');
    }
    String json =
        "{\"version\":\"1.0\",\"added_tokens\":[{\"id\":200006,\"content\":\"<|start|>\",\"special\":true}],"
            + "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":"
            + jsonString(TokenizerJson.O200K_PATTERN) + "}}]},"
            + "\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":[]}}";
    Files.writeString(dir.resolve("tokenizer.json"), json);
    Path tiktoken = dir.resolve("small.tiktoken");
    Files.writeString(tiktoken, ranks);

    Tokenizer fromJson = Tokenizer.fromModelDir(dir);
    Tokenizer fromTiktoken = Tokenizer.fromTiktoken(tiktoken);
    // "abcc" is one piece: merges ab (256) first, then abc (257) over cc (259), leaving c.
    assertArrayEquals(new int[] {257, 'c'}, fromJson.encodeOrdinary("abcc"));
    // " ab": ab (256) ranks before " a" (258), so the space stays alone.
    assertArrayEquals(new int[] {' ', 256, 200006, 256}, fromJson.encode(" ab<|start|>ab", AllowedSpecial.ALL));
    assertArrayEquals(new int[] {258, 259}, fromJson.encodeOrdinary(" acc"));
    RandomText random = new RandomText(9);
    for (int i = 0; i < 200; i++) {
      String text = random.next(30, true);
      assertArrayEquals(fromTiktoken.encode(text, AllowedSpecial.ALL), fromJson.encode(text, AllowedSpecial.ALL));
    }
  }

  static Path embeddedRanksFile() throws URISyntaxException {
    return Path.of(Tokenizer.class.getResource("o200k_base.tiktoken.gz").toURI());
  }

  /** GPT-2's byte-to-unicode mapping, written independently of the loader's table. */
  static String byteLevel(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte value : bytes) {
      int b = value & 0xFF;
      if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) {
        sb.append((char) b);
      } else {
        int n = 0;
        for (int k = 0; k < b; k++) {
          if (!((k >= 33 && k <= 126) || (k >= 161 && k <= 172) || (k >= 174 && k <= 255))) {
            n++;
          }
        }
        sb.append((char) (256 + n));
      }
    }
    return sb.toString();
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7E) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
