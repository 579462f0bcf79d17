package io.github.gptoss4j.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of worker threads that, together with the calling thread, run the chunks of one job. Chunks are
 * handed out dynamically, but each chunk writes its own outputs with a fixed arithmetic order, so results do not
 * depend on which thread ran what. Idle workers spin briefly (decode issues many small jobs back to back) and
 * then park. The workers serve one job at a time: a caller that finds them busy with another thread's job runs
 * its own chunks itself instead of waiting, so callers on different threads (two sessions of one model) compute
 * at the same time and never block each other. Worker {@code k > 0}'s scratch is used only by the job the pool
 * is running; worker 0 is always the calling thread.
 */
final class WorkerPool implements AutoCloseable {

  /** One parallel job: {@code run(chunk, worker)} for every chunk; {@code worker} indexes per-worker scratch. */
  interface Job {
    void run(int chunk, int worker);
  }

  /**
   * Spin-wait iterations (tens of microseconds) before parking: long enough to bridge the gap between the
   * kernel calls of one decode step, short enough not to steal a shared core from other work.
   */
  private static final int SPINS = 2_000;

  private final Thread[] workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Job job;
  private volatile int chunks;
  private volatile int generation;
  private volatile Thread caller;
  private volatile Throwable failure;
  private volatile boolean closed;
  /** Time callers spent done with their own chunks, waiting for the workers': imbalance and hand-off cost. */
  private final LongAdder waitNanos = new LongAdder();

  WorkerPool(int threads) {
    if (threads < 1) {
      throw new KernelException("thread count must be at least 1, got " + threads);
    }
    workers = new Thread[threads - 1];
    for (int i = 0; i < workers.length; i++) {
      int index = i + 1;
      Thread t = new Thread(() -> workLoop(index), "gptoss-kernels-" + index);
      t.setDaemon(true);
      workers[i] = t;
      t.start();
    }
  }

  int threads() {
    return workers.length + 1;
  }

  /**
   * Runs all chunks of {@code j} and returns when they are done: with the workers when they are free, else all
   * on the calling thread (as worker 0).
   */
  void run(int nChunks, Job j) {
    if (closed) {
      throw new KernelException("the kernels are closed");
    }
    if (workers.length == 0 || nChunks == 1 || !lock.tryLock()) {
      for (int c = 0; c < nChunks; c++) {
        j.run(c, 0);
      }
      return;
    }
    try {
      runOnWorkers(nChunks, j);
    } finally {
      lock.unlock();
    }
  }

  private void runOnWorkers(int nChunks, Job j) {
    job = j;
    chunks = nChunks;
    failure = null;
    next.set(0);
    pending.set(workers.length);
    caller = Thread.currentThread();
    generation = generation + 1; // publishes the fields above to the workers
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    Throwable own = null;
    try {
      work(j, nChunks, 0);
    } catch (Throwable t) {
      own = t;
    }
    long waitStart = System.nanoTime();
    int spins = 0;
    while (pending.get() != 0) {
      if (spins++ < SPINS) {
        Thread.onSpinWait();
      } else {
        LockSupport.park(this);
      }
    }
    waitNanos.add(System.nanoTime() - waitStart);
    job = null;
    Throwable t = own != null ? own : failure;
    if (t instanceof RuntimeException re) {
      throw re;
    } else if (t instanceof Error e) {
      throw e;
    }
  }

  /** Total nanoseconds callers have waited for workers to finish their chunks, since this pool started. */
  long waitNanos() {
    return waitNanos.sum();
  }

  private void work(Job j, int nChunks, int worker) {
    for (int c; (c = next.getAndIncrement()) < nChunks; ) {
      j.run(c, worker);
    }
  }

  private void workLoop(int index) {
    int seen = 0;
    while (true) {
      int spins = 0;
      int g;
      while ((g = generation) == seen) {
        if (closed) {
          return;
        }
        if (spins++ < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      seen = g;
      try {
        work(job, chunks, index);
      } catch (Throwable t) {
        failure = t;
      } finally {
        if (pending.decrementAndGet() == 0) {
          LockSupport.unpark(caller);
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
  }
}
