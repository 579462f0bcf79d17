package io.github.gptoss4j.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GenerationEvent.ToolCall;
import io.github.gptoss4j.generate.GenerationRequest;
import io.github.gptoss4j.generate.GenerationResult;
import io.github.gptoss4j.generate.GptOss;
import io.github.gptoss4j.generate.ResponseFormat;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.structured.SchemaException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gptoss generate}: one answer to one prompt, streamed, or as one JSON object. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Answer one prompt, streaming the answer as it is generated, then one stats line on stderr. Reasoning is"
          + " shown dimmed on a terminal, under a heading with --show-reasoning, and left out when stdout is"
          + " redirected.",
      "Without --model, runs the demo model (random weights, written on first use)."
    })
final class GenerateCommand implements Callable<Integer> {
  // ASCII-only JSON survives any terminal or locale encoding.
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  @Spec CommandSpec spec;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "The user's message.")
  String prompt;

  @Option(names = "--prompt-file", paramLabel = "F", description = "Read the user's message from a UTF-8 file (- for stdin).")
  Path promptFile;

  @Mixin GenerationOptions options;

  @Option(names = "--json", description = "Print one JSON object (reasoning, final, tool_calls, stop_reason, stats) and nothing else on stdout.")
  boolean json;

  @Option(names = "--json-schema", paramLabel = "FILE",
      description = "The answer must be JSON valid under the JSON Schema in FILE (subset: docs/structured-output.md).")
  Path jsonSchema;

  @Option(names = "--json-object", description = "The answer must be a JSON object.")
  boolean jsonObject;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GenerationRequest.Builder builder = options.request().user(promptText());
    ResponseFormat format = responseFormat();
    if (format != null) {
      builder.responseFormat(format);
    }
    GenerationRequest request = builder.build();
    try (GptOss model = options.load(err);
        ChatSession session = model.newSession()) {
      if (json) {
        GenerationResult result = session.generate(request);
        out.println(JSON.writeValueAsString(toJson(result)));
        out.flush();
      } else {
        session.generate(request, options.printer(out, err));
      }
    }
    return 0;
  }

  /** The prompt from --prompt or --prompt-file (exactly one), not blank. */
  private String promptText() throws IOException {
    if ((prompt == null) == (promptFile == null)) {
      throw new CliException(prompt == null
          ? "give the prompt with --prompt TEXT or --prompt-file F"
          : "give either --prompt or --prompt-file, not both");
    }
    String text = prompt != null
        ? prompt
        : new InputFile(promptFile, "--prompt-file " + promptFile, InputFile.PROMPT_LIMIT).read();
    if (text.isBlank()) {
      throw new CliException((prompt != null ? "--prompt" : "--prompt-file " + promptFile) + ": the prompt is empty");
    }
    return text;
  }

  /** The format of --json-schema or --json-object (at most one), or null. */
  private ResponseFormat responseFormat() throws IOException {
    if (jsonObject && jsonSchema != null) {
      throw new CliException("give either --json-schema or --json-object, not both");
    }
    if (jsonObject) {
      return ResponseFormat.json();
    }
    if (jsonSchema == null) {
      return null;
    }
    String schema = new InputFile(jsonSchema, "--json-schema " + jsonSchema, InputFile.PROMPT_LIMIT).read();
    try {
      return ResponseFormat.jsonSchema(schema);
    } catch (SchemaException e) {
      throw new CliException("--json-schema " + jsonSchema + ": " + e.getMessage());
    }
  }

  static ObjectNode toJson(GenerationResult result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("reasoning", result.reasoning());
    root.put("final", result.finalText());
    ArrayNode calls = root.putArray("tool_calls");
    for (ToolCall c : result.toolCalls()) {
      calls.addObject().put("recipient", c.recipient()).put("arguments", c.arguments()).put("content_type", c.contentType());
    }
    root.put("stop_reason", result.stopReason().name().toLowerCase(Locale.ROOT));
    Stats s = result.stats();
    root.putObject("stats")
        .put("prompt_tokens", s.promptTokens())
        .put("cached_tokens", s.cachedTokens())
        .put("generated_tokens", s.generatedTokens())
        .put("ttft_s", s.timeToFirstTokenNanos() / 1e9)
        .put("prefill_tokens_per_s", s.prefillTokensPerSecond())
        .put("decode_tokens_per_s", s.decodeTokensPerSecond())
        .put("seed", s.seed())
        .put("drafted_tokens", s.draftedTokens())
        .put("accepted_tokens", s.acceptedTokens());
    return root;
  }
}
