package io.github.gptoss4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gptoss4j.tokenizer.AllowedSpecial;
import io.github.gptoss4j.tokenizer.Tokenizer;
import io.github.gptoss4j.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.file.Files;
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
    IdsJsonLines.run(in, out, spec.commandLine().getOut(), (line, where) -> encodeLine(tokenizer, line, where));
    return 0;
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

  private static int[] encodeLine(Tokenizer tokenizer, JsonNode node, String where) {
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
    return tokenizer.encode(text.asText(), allowed);
  }
}
