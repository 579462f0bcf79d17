package io.github.gptoss4j.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.github.gptoss4j.generate.Stats;
import io.github.gptoss4j.generate.StopReason;
import java.util.Objects;

/**
 * {@link ChatResponseMetadata} with what gptoss4j measured: the exact {@link StopReason} behind the finish
 * reason, and {@link Stats} (cached prompt tokens, time to first token, prefill and decode speed, and the
 * sampler's seed, which replays the reply when given to the builder's {@code seed(...)}).
 */
public final class GptOssChatResponseMetadata extends ChatResponseMetadata {
  private final StopReason stopReason;
  private final Stats stats;

  private GptOssChatResponseMetadata(Builder builder) {
    super(builder);
    this.stopReason = builder.stopReason;
    this.stats = builder.stats;
  }

  /** Why generation ended, as gptoss4j reports it. */
  public StopReason stopReason() {
    return stopReason;
  }

  /** Token counts, timings and the seed of the generation. */
  public Stats stats() {
    return stats;
  }

  /** A builder of this metadata. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GptOssChatResponseMetadata other && super.equals(o)
        && stopReason == other.stopReason && Objects.equals(stats, other.stats);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), stopReason, stats);
  }

  @Override
  public String toString() {
    return "GptOssChatResponseMetadata{" + super.toString() + ", stopReason=" + stopReason + ", stats=" + stats + "}";
  }

  /** Collects {@link GptOssChatResponseMetadata}. */
  public static final class Builder extends ChatResponseMetadata.Builder<Builder> {
    private StopReason stopReason;
    private Stats stats;

    private Builder() {}

    /** See {@link GptOssChatResponseMetadata#stopReason()}. */
    public Builder stopReason(StopReason value) {
      stopReason = value;
      return this;
    }

    /** See {@link GptOssChatResponseMetadata#stats()}. */
    public Builder stats(Stats value) {
      stats = value;
      return this;
    }

    /** The metadata. */
    @Override
    public GptOssChatResponseMetadata build() {
      return new GptOssChatResponseMetadata(this);
    }
  }
}
