package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A start step on its own thread fails as it would on the starting thread, and what it made is
 * closed when the start fails elsewhere.
 */
@Timeout(10)
class StartStepTest {
  private static final class Resource implements AutoCloseable {
    final AtomicInteger closed = new AtomicInteger();
    final String thread = Thread.currentThread().getName();

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void joinGivesWhatTheStepMadeOnItsOwnThread() throws Exception {
    Resource made = StartStep.start("test-step", Resource::new).join();
    assertEquals("test-step", made.thread);
    assertEquals(0, made.closed.get());
  }

  @Test
  void joinRethrowsTheStepsExceptionAsItWasThrown() {
    IllegalStateException locked = new IllegalStateException("another process is using the dir");
    StartStep<Resource> step =
        StartStep.start(
            "test-step",
            () -> {
              throw locked;
            });
    assertSame(locked, assertThrows(IllegalStateException.class, step::join));
    UnsatisfiedLinkError noLibrary = new UnsatisfiedLinkError("no library");
    StartStep<Resource> failing =
        StartStep.start(
            "test-step",
            () -> {
              throw noLibrary;
            });
    assertSame(noLibrary, assertThrows(UnsatisfiedLinkError.class, failing::join));
  }

  @Test
  void closeIfMadeClosesWhatWasMadeAndIgnoresAFailedStep() throws Exception {
    StartStep<Resource> step = StartStep.start("test-step", Resource::new);
    step.closeIfMade();
    assertEquals(1, step.join().closed.get());
    StartStep<Resource> failed =
        StartStep.start(
            "test-step",
            () -> {
              throw new IllegalStateException("cannot open");
            });
    failed.closeIfMade(); // nothing to close, and the failure is join()'s to report
    assertTrue(
        assertThrows(IllegalStateException.class, failed::join)
            .getMessage()
            .contains("cannot open"));
  }
}
