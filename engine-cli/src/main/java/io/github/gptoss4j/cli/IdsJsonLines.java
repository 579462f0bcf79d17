package io.github.gptoss4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The line protocol of the check commands ({@code tokenize}, {@code harmony render}): one JSON object per
 * input line, one {@code {"ids": [...]}} per output line in the same order, blank lines skipped. Nothing is
 * written unless every line succeeds, so a bad case never leaves half an output file.
 */
final class IdsJsonLines {
  // One object per line: a second one after it is an error, not silently dropped.
  static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  /** Turns one input case into token ids; {@code where} names the file and line for error messages. */
  interface Case {
    int[] ids(JsonNode input, String where);
  }

  private IdsJsonLines() {}

  static void run(Path in, Path out, PrintWriter stdout, Case mapper) throws IOException {
    List<String> results = new ArrayList<>();
    List<String> lines = readString(in, "--in").lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = in + " line " + (i + 1);
      JsonNode input;
      try {
        input = JSON.readTree(lines.get(i));
      } catch (JsonProcessingException e) {
        String what = e.getOriginalMessage().startsWith("Trailing token") // Jackson's wording names its classes
            ? "a second JSON value follows the object; expected one object per line"
            : e.getOriginalMessage();
        throw new CliException(where + ": not valid JSON: " + what);
      }
      ArrayNode ids = JSON.createArrayNode();
      for (int id : mapper.ids(input, where)) {
        ids.add(id);
      }
      results.add(JSON.writeValueAsString(JSON.createObjectNode().set("ids", ids)));
    }
    String text = results.isEmpty() ? "" : String.join("\n", results) + "\n";
    if (out == null) {
      stdout.print(text);
      stdout.flush();
    } else {
      try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        writer.write(text);
      }
    }
  }

  /** The whole of a UTF-8 input file given by {@code option} ({@code -} for stdin), or a one-line error naming it. */
  static String readString(Path file, String option) {
    return new InputFile(file, option + " " + file, InputFile.CASES_LIMIT).read();
  }
}
