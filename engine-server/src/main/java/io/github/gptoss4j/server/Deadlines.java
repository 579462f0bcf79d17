package io.github.gptoss4j.server;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whole-request read deadlines, which the HTTP library does not have (its socket read timeout is not applied to
 * server connections): once a request line has arrived its headers must follow within {@code headerTimeout},
 * and a body must arrive within its own deadline. A connection past its deadline has its reading thread
 * interrupted, which closes the socket (the reads are on an interruptible channel), so a client trickling
 * bytes holds neither a thread nor a file descriptor for long. A slow request line is the idle timeout's.
 */
final class Deadlines implements Http1ConnectionListener, AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gptoss-deadlines");
    t.setDaemon(true);
    return t;
  });
  private final Duration headerTimeout;
  /** The deadline of the headers being read on this connection's thread; cleared once they are complete. */
  private final ThreadLocal<AtomicBoolean> headersPending = new ThreadLocal<>();

  Deadlines(Duration headerTimeout) {
    this.headerTimeout = headerTimeout;
  }

  @Override
  public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
    headersPending.set(arm(headerTimeout));
  }

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    AtomicBoolean armed = headersPending.get();
    headersPending.remove();
    disarm(armed);
  }

  /** Runs {@code read} on this thread; past {@code deadline} it is interrupted (and its connection closed). */
  <T> T within(Duration deadline, Supplier<T> read) {
    AtomicBoolean armed = arm(deadline);
    try {
      return read.get();
    } finally {
      disarm(armed);
    }
  }

  private AtomicBoolean arm(Duration deadline) {
    AtomicBoolean armed = new AtomicBoolean(true);
    Thread reader = Thread.currentThread();
    timer.schedule(() -> {
      if (armed.compareAndSet(true, false)) {
        reader.interrupt();
      }
    }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    return armed;
  }

  /** Stops a deadline; if it fired already, clears the interrupt it left (the read it cut has failed). */
  private static void disarm(AtomicBoolean armed) {
    if (armed != null && !armed.compareAndSet(true, false)) {
      Thread.interrupted();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
