package io.github.gptoss4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A malformed or truncated file is a TokenizerException naming the file and what was expected. */
class MalformedFilesTest {
  @TempDir Path dir;

  /** A valid ranks file: the 256 bytes, then "ab". */
  private static String validRanks() {
    StringBuilder sb = new StringBuilder();
    for (int b = 0; b < 256; b++) {
      sb.append(Base64.getEncoder().encodeToString(new byte[] {(byte) b})).append(' ').append(b).append('\n');
    }
    return sb.append("YWI= 256\n").toString();
  }

  private void assertRejected(Path file, boolean json, String... expectedInMessage) {
    TokenizerException e =
        assertThrows(
            TokenizerException.class,
            () -> {
              if (json) {
                Tokenizer.fromTokenizerJson(file);
              } else {
                Tokenizer.fromTiktoken(file);
              }
            });
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    for (String part : expectedInMessage) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' missing in: " + e.getMessage());
    }
  }

  @Test
  void validSmallRanksFileLoads() throws IOException {
    Path file = dir.resolve("ok.tiktoken");
    Files.writeString(file, validRanks());
    assertTrue(Arrays.equals(new int[] {256, 256}, Tokenizer.fromTiktoken(file).encodeOrdinary("abab")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "YWI= 256|YWI 256|multiple of 4",
        "YWI= 256|YW*= 256|invalid base64",
        "YWI= 256|YWI=256|no space",
        "YWI= 256|YWI= 300|expected 256",
        "YWI= 256|YWI= x|not a decimal",
        "YWI= 256|'YWI= '|missing",
        "YWI= 256|QQ== 256|same token bytes",
        "AQ== 1|AQ== 5|expected 1"
      })
  void malformedRanksLineIsReportedWithItsLineNumber(String from, String to, String expected) throws IOException {
    Path file = dir.resolve("bad.tiktoken");
    Files.writeString(file, validRanks().replace(from + "\n", to + "\n"));
    assertRejected(file, false, expected);
  }

  @Test
  void truncatedRanksFilesAreRejected() throws IOException {
    Path file = dir.resolve("short.tiktoken");
    String ranks = validRanks();
    Files.writeString(file, ranks.substring(0, ranks.indexOf("Zg== 102")));
    assertRejected(file, false, "0x66");
    Files.writeString(file, "");
    assertRejected(file, false, "no ranks");
    Path gz = dir.resolve("cut.tiktoken.gz");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(ranks.getBytes(StandardCharsets.US_ASCII));
    }
    Files.write(gz, Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2));
    assertRejected(gz, false, "gzip");
    assertRejected(dir.resolve("missing.tiktoken"), false, "not found");
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " ==> ",
      value = {
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0 ==> truncated",
        "{\"model\":{\"type\":\"Unigram\",\"vocab\":{}}} ==> expected \"BPE\"",
        "{\"added_tokens\":[]} ==> no \"model\"",
        "[1,2] ==> top-level object",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":\"x\"}}} ==> no integer id",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":5}}} ==> gap",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"\u4e2d\":0}}} ==> byte-level alphabet",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0}}} ==> single byte",
        "{\"added_tokens\":[{\"id\":200006,\"content\":\"<|begin|>\"}]} ==> expected o200k_harmony's <|start|>",
        "{\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\w+\"}}} ==> not o200k's",
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":199998}}} ==> outside 0..199997"
      })
  void malformedTokenizerJsonIsRejected(String json, String expected) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, json);
    assertRejected(file, true, expected);
  }
}
