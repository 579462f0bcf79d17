package io.github.gptoss4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gptoss generate --json-schema FILE} and {@code --json-object} on the demo model (random weights:
 * unconstrained it never writes JSON): every seed's answer validates under networknt's draft 2020-12 validator.
 */
class GenerateJsonSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDER = """
      {"type": "object", "additionalProperties": false, "required": ["id", "items", "status"],
       "properties": {
         "id": {"type": "integer"},
         "status": {"enum": ["open", "shipped"]},
         "note": {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "null"}]},
         "items": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"$ref": "#/$defs/item"}}},
       "$defs": {"item": {"type": "object", "additionalProperties": false, "required": ["sku"],
                          "properties": {"sku": {"type": "string", "minLength": 2, "maxLength": 8}}}}}""";

  @TempDir static Path cache;
  @TempDir Path dir;

  @BeforeAll
  static void useTemporaryCache() {
    System.setProperty(DemoModel.CACHE_PROPERTY, cache.toString());
  }

  @AfterAll
  static void restoreCache() {
    System.clearProperty(DemoModel.CACHE_PROPERTY);
  }

  private static List<String> validationErrors(String schema, String document) throws IOException {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema, InputFormat.JSON)
        .validate(JSON.readTree(document)).stream().map(Object::toString).toList();
  }

  @Test
  void everySeedsAnswerValidatesAgainstTheSchemaFile() throws IOException {
    Path schema = Files.writeString(dir.resolve("order.json"), ORDER);
    for (int seed = 1; seed <= 5; seed++) {
      CliRun run = CliRun.of("generate", "--prompt", "An order, please.", "--json-schema", schema.toString(),
          "--max-tokens", "60", "--seed", Integer.toString(seed), "--json");
      assertEquals(0, run.code(), run.err());
      JsonNode result = JSON.readTree(run.out());
      String answer = result.get("final").asText();
      assertEquals(List.of(), validationErrors(ORDER, answer), answer);
      assertEquals("stop_token", result.get("stop_reason").asText(), "the document closed within --max-tokens");
    }
  }

  @Test
  void jsonObjectStreamsAnObject() throws IOException {
    CliRun run = CliRun.of("generate", "--prompt", "Anything", "--json-object", "--max-tokens", "30", "--seed", "4");
    assertEquals(0, run.code(), run.err());
    assertTrue(JSON.readTree(run.out()).isObject(), run.out());
  }

  @Test
  void anUnsupportedKeywordIsRefusedBeforeTheModelLoadsNamingItsPath() throws IOException {
    Path schema = Files.writeString(dir.resolve("bad.json"),
        "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": 1}}}");
    CliRun run = CliRun.of("generate", "--prompt", "x", "--json-schema", schema.toString());
    assertEquals(1, run.code(), run.err());
    assertEquals("", run.out());
    assertTrue(run.err().lines().anyMatch(l -> l.startsWith(
        "gptoss generate: --json-schema " + schema + ": #/properties/n: unsupported keyword 'minimum'")), run.err());
    CliRun both = CliRun.of("generate", "--prompt", "x", "--json-schema", schema.toString(), "--json-object");
    assertTrue(both.err().contains("give either --json-schema or --json-object, not both"), both.err());
  }
}
