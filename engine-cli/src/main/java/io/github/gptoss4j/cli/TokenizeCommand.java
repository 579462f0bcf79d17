package io.github.gptoss4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.tokenizer.AllowedSpecial;
import io.github.gptoss4j.tokenizer.Tokenizer;
import io.github.gptoss4j.tokenizer.TokenizerException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gptoss tokenize}: encode JSON-lines cases with o200k_harmony, for checks against tiktoken. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Encode text with the o200k_harmony tokenizer.",
      "Each input line is a JSON object with \"text\" and \"allowed_special\" (\"all\": special-token strings"
          + " become their ids; \"none\", the default: they are plain text). Each output line is"
          + " {\"ids\": [...]}, in input order; blank lines are skipped."
    })
final class TokenizeCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Model directory: its tokenizer.json is used if present (default: the embedded encoding).")
  Path model;

  @Option(names = "--in", required = true, paramLabel = "CASES.jsonl", description = "Input, one case per line.")
  Path in;

  @Option(names = "--out", paramLabel = "OUT.jsonl", description = "Output file (default: standard output).")
  Path out;

  @Override
  public Integer call() throws IOException {
    Tokenizer tokenizer = tokenizer();
    if (out == null) {
      encodeAll(tokenizer, spec.commandLine().getOut());
    } else {
      try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
        encodeAll(tokenizer, writer);
      }
    }
    return 0;
  }

  private void encodeAll(Tokenizer tokenizer, Writer writer) throws IOException {
    try (BufferedReader reader = open(in)) {
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          writer.write(encodeLine(tokenizer, line, in + " line " + lineNo));
          writer.write('\n');
        }
      }
    }
    writer.flush();
  }

  private Tokenizer tokenizer() {
    if (model == null) {
      return Tokenizer.o200kHarmony();
    }
    if (!Files.isDirectory(model)) {
      throw new CliException("--model " + model + " is not a directory");
    }
    try {
      return Tokenizer.fromModelDir(model);
    } catch (TokenizerException e) {
      throw new CliException(e.getMessage());
    }
  }

  private static BufferedReader open(Path file) throws IOException {
    try {
      return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException("input file not found: " + file);
    }
  }

  private static String encodeLine(Tokenizer tokenizer, String line, String where) throws IOException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new CliException(where + ": not valid JSON: " + e.getOriginalMessage());
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new CliException(where + ": missing string \"text\"");
    }
    JsonNode special = node.get("allowed_special");
    String mode = special == null ? "none" : special.asText();
    AllowedSpecial allowed =
        switch (mode) {
          case "all" -> AllowedSpecial.ALL;
          case "none" -> AllowedSpecial.NONE;
          default ->
              throw new CliException(where + ": \"allowed_special\" is '" + mode + "'; expected \"all\" or \"none\"");
        };
    ObjectNode result = JSON.createObjectNode();
    var ids = result.putArray("ids");
    for (int id : tokenizer.encode(text.asText(), allowed)) {
      ids.add(id);
    }
    return JSON.writeValueAsString(result);
  }
}
