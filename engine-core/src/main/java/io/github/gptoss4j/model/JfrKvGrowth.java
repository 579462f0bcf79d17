package io.github.gptoss4j.model;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code gptoss4j.KvGrowth}: a KV cache allocated more off-heap memory to hold more positions (see
 * docs/observability.md). Full-attention layers grow in doubling chunks, so a session emits a handful.
 */
@Name("gptoss4j.KvGrowth")
@Label("KV Cache Growth")
@Category("gptoss4j")
@Description("A session's KV cache grew to hold more positions")
@StackTrace(false)
final class JfrKvGrowth extends Event {
  @Label("Positions")
  @Description("Positions the cache holds once the block that needed the room is stored")
  int positions;

  @Label("Bytes Before")
  @DataAmount
  long bytesBefore;

  @Label("Bytes After")
  @DataAmount
  long bytesAfter;

  private static final System.Logger LOG = System.getLogger(KvCache.class.getName());

  /** Records a growth from {@code before} to {@code after} bytes: this event, and a DEBUG log line. */
  static void grew(int positions, long before, long after) {
    JfrKvGrowth event = new JfrKvGrowth();
    if (event.shouldCommit()) {
      event.positions = positions;
      event.bytesBefore = before;
      event.bytesAfter = after;
      event.commit();
    }
    LOG.log(System.Logger.Level.DEBUG,
        () -> "KV cache grew from " + before + " to " + after + " bytes for " + positions + " positions");
  }
}
