package io.github.gptoss4j.harmony;

import java.util.List;

/**
 * The channels the system message tells the model it may use.
 *
 * @param validChannels channels listed in the system message; when empty, the line is not rendered
 * @param channelRequired whether every assistant message must name a channel
 */
public record ChannelConfig(List<String> validChannels, boolean channelRequired) {

  /** Creates the record, checking its components and copying any collection it is given. */
  public ChannelConfig {
    validChannels = List.copyOf(validChannels);
  }

  /**
   * The given channels, all required (harmony's {@code ChannelConfig.require_channels}).
   *
   * @param channels channel names such as {@code analysis}, {@code commentary}, {@code final}; copied
   * @return a config listing those channels, with a channel required on every assistant message
   */
  public static ChannelConfig requireChannels(List<String> channels) {
    return new ChannelConfig(channels, true);
  }
}
