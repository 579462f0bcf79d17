package io.github.gptoss4j.server;

import io.github.gptoss4j.generate.ChatSession;
import io.github.gptoss4j.generate.GptOss;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where generations run: {@code parallel} platform threads, each generation in a new {@link ChatSession}
 * (requests are independent conversations), at most {@code maxQueue} requests waiting beyond them; a request
 * past that is a 429 whose {@code Retry-After} is the expected wait.
 */
final class Workers implements AutoCloseable {
  /** What runs in a session. */
  interface Task<T> {
    T run(ChatSession session);
  }

  private final int parallel;
  private final int maxQueue;
  private final ExecutorService pool;
  private final AtomicInteger admitted = new AtomicInteger(); // running plus waiting
  private final AtomicInteger running = new AtomicInteger();
  private final Set<ChatSession> active = ConcurrentHashMap.newKeySet();
  /** Mean seconds per generation, smoothed; what Retry-After is estimated from. */
  private volatile double meanSeconds = 1;
  private volatile boolean closing;

  Workers(int parallel, int maxQueue) {
    this.parallel = parallel;
    this.maxQueue = maxQueue;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "gptoss-generation-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs {@code task} in a new session of {@code model} on the pool and waits for it.
   *
   * @throws ApiException 429 when the queue is full, 503 when the server is stopping
   */
  <T> T run(GptOss model, Task<T> task) {
    if (closing) {
      throw ApiException.shuttingDown();
    }
    int place = admitted.incrementAndGet();
    try {
      if (place > parallel + maxQueue) {
        throw new TooBusyException(retryAfterSeconds(place - parallel));
      }
      Future<T> done = pool.submit(() -> runInSession(model, task));
      return await(done);
    } finally {
      admitted.decrementAndGet();
    }
  }

  private <T> T runInSession(GptOss model, Task<T> task) {
    if (closing) {
      throw ApiException.shuttingDown();
    }
    long start = System.nanoTime();
    running.incrementAndGet();
    try (ChatSession session = model.newSession()) {
      active.add(session);
      try {
        return task.run(session);
      } finally {
        active.remove(session);
      }
    } finally {
      running.decrementAndGet();
      meanSeconds = 0.8 * meanSeconds + 0.2 * ((System.nanoTime() - start) / 1e9);
    }
  }

  private static <T> T await(Future<T> done) {
    try {
      return done.get();
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        case Throwable t -> throw new IllegalStateException(t);
      }
    } catch (InterruptedException e) {
      done.cancel(true);
      Thread.currentThread().interrupt();
      throw ApiException.shuttingDown();
    }
  }

  /** Seconds until a request at {@code position} in the queue is likely to start, at least 1. */
  private long retryAfterSeconds(int position) {
    return Math.max(1, Math.min(3600, (long) Math.ceil(meanSeconds * position / parallel)));
  }

  /** Requests waiting for a slot. */
  int queued() {
    return Math.max(0, admitted.get() - running.get());
  }

  /** Generations running. */
  int running() {
    return running.get();
  }

  /** Whether {@link #close} was called: a cancelled generation is then the server stopping. */
  boolean closing() {
    return closing;
  }

  /**
   * Refuses new work, cancels running generations (each ends within a token and reports the shutdown to its
   * client) and waits for them to end, so the model can be closed after.
   */
  @Override
  public void close() {
    closing = true;
    active.forEach(ChatSession::cancel);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The 429 for a full queue. */
  static final class TooBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    TooBusyException(long retryAfterSeconds) {
      super("the server is busy: every generation slot and queue place is taken; retry after "
          + retryAfterSeconds + " s");
      this.retryAfterSeconds = retryAfterSeconds;
    }

    long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }
}
