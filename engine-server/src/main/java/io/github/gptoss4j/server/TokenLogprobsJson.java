package io.github.gptoss4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gptoss4j.generate.TokenLogprobs;
import io.github.gptoss4j.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;

/**
 * One token's log-probabilities as OpenAI writes them: {@code {token, logprob, bytes, top_logprobs}}, where
 * {@code token} is the token's text (bytes that are not whole UTF-8 characters read as U+FFFD) and {@code
 * bytes} its exact bytes.
 *
 * @param topLogprobs how many of the most likely alternatives to write ({@code top_logprobs})
 */
record TokenLogprobsJson(Tokenizer tokenizer, int topLogprobs) {

  ObjectNode entry(TokenLogprobs logprobs) {
    ObjectNode entry = token(logprobs.token(), logprobs.logprob());
    ArrayNode top = entry.putArray("top_logprobs");
    logprobs.top().stream().limit(topLogprobs).forEach(a -> top.add(token(a.token(), a.logprob())));
    return entry;
  }

  private ObjectNode token(int id, double logprob) {
    byte[] bytes = tokenizer.tokenBytes(id);
    ObjectNode node = JsonBody.JSON.createObjectNode()
        .put("token", new String(bytes, StandardCharsets.UTF_8))
        // OpenAI writes -9999 for a probability that underflows; JSON has no -Infinity.
        .put("logprob", Double.isFinite(logprob) ? logprob : -9999.0);
    ArrayNode array = node.putArray("bytes");
    for (byte b : bytes) {
      array.add(b & 0xff);
    }
    return node;
  }
}
