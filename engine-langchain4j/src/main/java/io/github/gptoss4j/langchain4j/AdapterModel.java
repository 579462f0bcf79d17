package io.github.gptoss4j.langchain4j;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import java.util.Set;

/** What the blocking and the streaming chat model say alike about themselves: capabilities and defaults. */
abstract class AdapterModel {
  final Adapter adapter;

  AdapterModel(Adapter adapter) {
    this.adapter = adapter;
  }

  /** JSON-schema response formats: decoding is constrained so the answer always parses and validates. */
  public Set<Capability> supportedCapabilities() {
    return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
  }

  /** The builder's sampling defaults and model name; each request's parameters override them. */
  public ChatRequestParameters defaultRequestParameters() {
    return adapter.defaultParameters();
  }
}
