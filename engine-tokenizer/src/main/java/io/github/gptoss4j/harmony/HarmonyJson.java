package io.github.gptoss4j.harmony;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Harmony's own JSON form of conversations and messages (openai-harmony's {@code Conversation.to_json} and
 * {@code from_json}). Reading checks every field and names the one at fault by its path, e.g.
 * {@code messages[2].content[0].reasoning_effort}.
 */
final class HarmonyJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private HarmonyJson() {}

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new HarmonyException("not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new HarmonyException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  // ---- reading ----

  static Conversation conversation(JsonNode root) {
    requireObject(root, "conversation");
    JsonNode messages = root.get("messages");
    if (messages == null || !messages.isArray()) {
      throw new HarmonyException("conversation.messages: expected an array of messages, got " + kind(messages));
    }
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      out.add(message(messages.get(i), "messages[" + i + "]"));
    }
    return new Conversation(out);
  }

  static Message message(JsonNode node, String path) {
    requireObject(node, path);
    String roleName = requiredString(node, "role", path);
    Role role;
    try {
      role = Role.fromValue(roleName);
    } catch (HarmonyException e) {
      throw new HarmonyException(path + ".role: " + e.getMessage(), e);
    }
    Author author = new Author(role, optionalString(node, "name", path));
    JsonNode content = node.get("content");
    List<Content> parts = new ArrayList<>();
    if (content != null && content.isTextual()) {
      // harmony's Rust side writes a single text part as a plain string
      parts.add(new TextContent(content.textValue()));
    } else if (content != null && content.isArray()) {
      for (int i = 0; i < content.size(); i++) {
        parts.add(content(content.get(i), path + ".content[" + i + "]"));
      }
    } else {
      throw new HarmonyException(
          path + ".content: expected a string or an array of content parts, got " + kind(content));
    }
    return new Message(
        author,
        optionalString(node, "recipient", path),
        optionalString(node, "channel", path),
        optionalString(node, "content_type", path),
        parts);
  }

  private static Content content(JsonNode node, String path) {
    requireObject(node, path);
    String type = requiredString(node, "type", path);
    return switch (type) {
      case "text" -> new TextContent(requiredString(node, "text", path));
      case "system_content" ->
          new SystemContent(
              optionalString(node, "model_identity", path),
              reasoningEffort(node, path),
              tools(node.get("tools"), path + ".tools"),
              optionalString(node, "conversation_start_date", path),
              optionalString(node, "knowledge_cutoff", path),
              channelConfig(node.get("channel_config"), path + ".channel_config"));
      case "developer_content" ->
          new DeveloperContent(
              optionalString(node, "instructions", path), tools(node.get("tools"), path + ".tools"));
      default ->
          throw new HarmonyException(
              path + ".type: unknown content type '" + type
                  + "': expected text, system_content or developer_content");
    };
  }

  private static ReasoningEffort reasoningEffort(JsonNode node, String path) {
    String name = optionalString(node, "reasoning_effort", path);
    if (name == null) {
      return null;
    }
    try {
      return ReasoningEffort.fromJsonName(name);
    } catch (HarmonyException e) {
      throw new HarmonyException(path + ".reasoning_effort: " + e.getMessage(), e);
    }
  }

  private static ChannelConfig channelConfig(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    requireObject(node, path);
    JsonNode channels = node.get("valid_channels");
    if (channels == null || !channels.isArray()) {
      throw new HarmonyException(path + ".valid_channels: expected an array of strings, got " + kind(channels));
    }
    List<String> valid = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      JsonNode channel = channels.get(i);
      if (!channel.isTextual()) {
        throw new HarmonyException(
            path + ".valid_channels[" + i + "]: expected a string, got " + kind(channel));
      }
      valid.add(channel.textValue());
    }
    JsonNode required = node.get("channel_required");
    if (required == null || !required.isBoolean()) {
      throw new HarmonyException(path + ".channel_required: expected true or false, got " + kind(required));
    }
    return new ChannelConfig(valid, required.booleanValue());
  }

  private static SortedMap<String, ToolNamespaceConfig> tools(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return null;
    }
    requireObject(node, path);
    SortedMap<String, ToolNamespaceConfig> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String nsPath = path + "." + entry.getKey();
      JsonNode ns = entry.getValue();
      requireObject(ns, nsPath);
      JsonNode tools = ns.get("tools");
      if (tools == null || !tools.isArray()) {
        throw new HarmonyException(nsPath + ".tools: expected an array of tools, got " + kind(tools));
      }
      List<ToolDescription> descriptions = new ArrayList<>();
      for (int i = 0; i < tools.size(); i++) {
        String toolPath = nsPath + ".tools[" + i + "]";
        JsonNode tool = tools.get(i);
        requireObject(tool, toolPath);
        JsonNode parameters = tool.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
          throw new HarmonyException(
              toolPath + ".parameters: expected a JSON schema object or null, got " + kind(parameters));
        }
        descriptions.add(
            new ToolDescription(
                requiredString(tool, "name", toolPath),
                requiredString(tool, "description", toolPath),
                parameters));
      }
      out.put(
          entry.getKey(),
          new ToolNamespaceConfig(
              requiredString(ns, "name", nsPath), optionalString(ns, "description", nsPath), descriptions));
    }
    return out;
  }

  private static void requireObject(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new HarmonyException(path + ": expected a JSON object, got " + kind(node));
    }
  }

  private static String requiredString(JsonNode node, String field, String path) {
    String value = optionalString(node, field, path);
    if (value == null) {
      throw new HarmonyException(path + "." + field + ": required string is missing");
    }
    return value;
  }

  private static String optionalString(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new HarmonyException(path + "." + field + ": expected a string, got " + kind(value));
    }
    return value.textValue();
  }

  private static String kind(JsonNode node) {
    return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  // ---- writing ----

  static ObjectNode conversationNode(Conversation conversation) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode messages = root.putArray("messages");
    for (Message message : conversation.messages()) {
      messages.add(messageNode(message));
    }
    return root;
  }

  /** Writes a message; absent optional fields are left out, as harmony's {@code Message.to_dict} does. */
  static ObjectNode messageNode(Message message) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("role", message.author().role().value());
    putIfPresent(out, "name", message.author().name());
    ArrayNode parts = out.putArray("content");
    for (Content part : message.content()) {
      parts.add(contentNode(part));
    }
    putIfPresent(out, "channel", message.channel());
    putIfPresent(out, "recipient", message.recipient());
    putIfPresent(out, "content_type", message.contentType());
    return out;
  }

  /**
   * Writes a content part. System and developer fields are written even when null, because harmony's Python
   * reader would otherwise fill in its defaults for a missing field.
   */
  private static ObjectNode contentNode(Content part) {
    ObjectNode out = MAPPER.createObjectNode();
    switch (part) {
      case TextContent text -> {
        out.put("type", "text");
        out.put("text", text.text());
      }
      case SystemContent sys -> {
        out.put("type", "system_content");
        out.put("model_identity", sys.modelIdentity());
        out.put("reasoning_effort", sys.reasoningEffort() == null ? null : sys.reasoningEffort().jsonName());
        out.set("tools", toolsNode(sys.tools()));
        out.put("conversation_start_date", sys.conversationStartDate());
        out.put("knowledge_cutoff", sys.knowledgeCutoff());
        if (sys.channelConfig() == null) {
          out.putNull("channel_config");
        } else {
          ObjectNode config = out.putObject("channel_config");
          ArrayNode channels = config.putArray("valid_channels");
          sys.channelConfig().validChannels().forEach(channels::add);
          config.put("channel_required", sys.channelConfig().channelRequired());
        }
      }
      case DeveloperContent dev -> {
        out.put("type", "developer_content");
        out.put("instructions", dev.instructions());
        out.set("tools", toolsNode(dev.tools()));
      }
    }
    return out;
  }

  private static JsonNode toolsNode(Map<String, ToolNamespaceConfig> tools) {
    if (tools == null) {
      return MAPPER.nullNode();
    }
    ObjectNode out = MAPPER.createObjectNode();
    tools.forEach(
        (key, ns) -> {
          ObjectNode nsNode = out.putObject(key);
          nsNode.put("name", ns.name());
          nsNode.put("description", ns.description());
          ArrayNode list = nsNode.putArray("tools");
          for (ToolDescription tool : ns.tools()) {
            ObjectNode toolNode = list.addObject();
            toolNode.put("name", tool.name());
            toolNode.put("description", tool.description());
            toolNode.set("parameters", tool.schema() == null ? MAPPER.nullNode() : tool.schema().deepCopy());
          }
        });
    return out;
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
