package dev.postbox.app;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One step of a start that runs on a thread of its own while the starting thread goes on with what
 * does not need its result ({@link Broker} opens the store this way: RocksDB's native library, the
 * database and, in a new directory, its fsyncs). {@link #join()} rethrows the step's failure as it
 * was thrown, so a start that fails says the same as when the step ran on the starting thread.
 */
final class StartStep<T extends AutoCloseable> {
  private final FutureTask<T> task;

  private StartStep(Callable<T> step) {
    this.task = new FutureTask<>(step);
  }

  /** Runs {@code step} on a new daemon thread named {@code thread}. */
  static <T extends AutoCloseable> StartStep<T> start(String thread, Callable<T> step) {
    StartStep<T> s = new StartStep<>(step);
    Thread t = new Thread(s.task, thread);
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** Waits for the step: what it made, or its exception (a runtime one or an error) as is. */
  T join() throws InterruptedException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }

  /** After a start failed elsewhere: waits for the step and closes what it made, if it made it. */
  void closeIfMade() throws Exception {
    T made;
    try {
      made = task.get();
    } catch (ExecutionException failed) {
      return; // nothing was made; join() reports the failure where the start waits for it
    }
    made.close();
  }
}
