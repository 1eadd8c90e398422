package dev.postbox.core.workflow;

import dev.postbox.core.delivery.Durations;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.PublishHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs that wait for events (docs/workflow.md#waiting-for-events): {@code context.waitForEvent} and
 * {@code waitForWebhook} register a waiter, a notify wakes the waiters of its event, and a waiter
 * whose deadline passes times out. Registering, waking and timing out are each one atomic write:
 * waking or timing out deletes the waiter and appends the Wait step to the run's history with its
 * step message, which is then delivered like any step (retries, flow control, signing). Every
 * change to a run's waits is made holding the run's monitor, so of a notify and a timeout of the
 * same waiter exactly one wins. Thread-safe; the methods may block on bounded store reads (the
 * first use of a run since the start reads it).
 */
public final class WaitService {
  /** How many due waiters one {@link #fireDue()} pass times out at most. */
  static final int DUE_BATCH = 1000;

  private final MessageStore store;
  private final RunTable runs;
  private final WaitTable waits;
  private final PublishService publish;
  private final PublishLimits limits;
  private final Clock clock;

  public WaitService(
      Workflows workflows, PublishService publish, PublishLimits limits, Clock clock) {
    this.store = workflows.store();
    this.runs = workflows.runs();
    this.waits = workflows.waits();
    this.publish = publish;
    this.limits = limits;
    this.clock = clock;
  }

  /** Loads the stored waiters and kept events; call once on start, before serving. */
  public void recover() {
    store.waiters().forEach(waits::put);
    store.waitEvents().forEach(waits::putEvent);
  }

  /**
   * Registers a waiter of the run named by {@code requestHeaders} for {@code eventId}; when an
   * event was already notified to that run for it, the run gets it at once instead. 404 for an
   * unknown run, 400 for an ended one or a bad request.
   */
  public CompletableFuture<Void> await(
      String tenant, String eventId, Map<String, List<String>> requestHeaders, WaitRequest r) {
    checkId(eventId, "event id");
    WorkflowHeaders h = WorkflowHeaders.parse(requestHeaders);
    if (h == null) {
      throw new InvalidRequestException("missing Upstash-Workflow-RunId: a wait belongs to a run");
    }
    if (r.url() == null || r.url().isBlank()) {
      throw new InvalidRequestException("missing url: where the step goes when the event comes");
    }
    if (r.step() == null) {
      throw new InvalidRequestException("missing step: the step that waits");
    }
    limits.destinations().check(r.url(), "url");
    limits.destinations().check(r.timeoutUrl(), "timeoutUrl");
    long timeout = timeoutMillis(r.timeout());
    long now = clock.millis();
    Map<String, List<String>> headers = publishHeaders(requestHeaders);
    Map<String, List<String>> timeoutHeaders =
        r.timeoutHeaders() == null ? headers : r.timeoutHeaders();
    PublishHeaders.parse(headers, now, limits); // a bad header is refused now, not when it fires
    PublishHeaders.parse(timeoutHeaders, now, limits);
    publish.checkQuota();
    Waiter w =
        new Waiter(
            tenant,
            h.runId(),
            eventId,
            r.step(),
            now,
            now + timeout,
            r.url(),
            headers,
            r.timeoutUrl() == null ? r.url() : r.timeoutUrl(),
            r.timeoutBody(),
            timeoutHeaders);
    RunTable.LiveRun lr = runs.get(tenant, h.runId());
    synchronized (lr) {
      requireGoing(lr);
      WaitEvent early = waits.takeEvent(tenant, h.runId(), eventId);
      if (early != null) {
        return wake(lr, w, early.data(), new StoreBatch().deleteWaitEvent(early))
            .thenApply(id -> null);
      }
      waits.put(w);
      return commit(lr, new StoreBatch().putWaiter(w));
    }
  }

  /** Wakes the current waiters of {@code eventId} with {@code data}; the event is not kept. */
  public CompletableFuture<List<NotifyResult>> notify(String tenant, String eventId, byte[] data) {
    checkId(eventId, "event id");
    publish.checkQuota();
    List<CompletableFuture<NotifyResult>> woken = new ArrayList<>();
    for (Waiter w : waits.waitersOf(tenant, eventId)) {
      RunTable.LiveRun lr = runs.get(tenant, w.runId());
      synchronized (lr) {
        CompletableFuture<NotifyResult> f = wakeOne(lr, w, data);
        if (f != null) {
          woken.add(f);
        }
      }
    }
    return all(woken);
  }

  /**
   * Wakes the run's waiters of {@code eventId}; when it has none, keeps the event for the run's
   * next wait for it (lookback). 404 for an unknown run, 400 for an ended one.
   */
  public CompletableFuture<List<NotifyResult>> notifyRun(
      String tenant, String runId, String eventId, byte[] data) {
    checkId(runId, "workflow run id");
    checkId(eventId, "event id");
    publish.checkQuota();
    RunTable.LiveRun lr = runs.get(tenant, runId);
    List<CompletableFuture<NotifyResult>> woken = new ArrayList<>();
    synchronized (lr) {
      requireGoing(lr);
      for (Waiter w : waits.waitersOf(tenant, runId, eventId)) {
        CompletableFuture<NotifyResult> f = wakeOne(lr, w, data);
        if (f != null) {
          woken.add(f);
        }
      }
      if (woken.isEmpty()) {
        WaitEvent e = new WaitEvent(tenant, runId, eventId, data, clock.millis());
        waits.putEvent(e);
        return commit(lr, new StoreBatch().putWaitEvent(e)).thenApply(v -> List.of());
      }
    }
    return all(woken);
  }

  /** The waiters of a run, in registration order (an unknown run has none). */
  public List<Waiter> waitersOfRun(String tenant, String runId) {
    return waits.waitersOfRun(tenant, runId);
  }

  /** The waiters of an event, in registration order. */
  public List<Waiter> waiters(String tenant, String eventId) {
    checkId(eventId, "event id");
    return waits.waitersOf(tenant, eventId);
  }

  /**
   * Times out the waiters whose deadline has passed (up to {@link #DUE_BATCH}): each gets its Wait
   * step with {@code waitTimeout: true} at its timeout URL. Returns how many it timed out. Blocks
   * on bounded store reads; call it from a timer thread.
   */
  public int fireDue() {
    long now = clock.millis();
    int fired = 0;
    for (Waiter w : waits.due(now, DUE_BATCH)) {
      RunTable.LiveRun lr = runs.get(w.tenant(), w.runId());
      synchronized (lr) {
        Waiter current = waits.take(w);
        if (current == null) {
          continue; // woken meanwhile
        }
        if (current.deadline() > now) {
          waits.put(current); // registered again meanwhile, with a later deadline
          continue;
        }
        StoreBatch b = new StoreBatch().deleteWaiter(current);
        if (lr.run == null || lr.run.ended()) {
          commit(lr, b);
          continue;
        }
        wake(lr, current, null, b);
        fired++;
      }
    }
    return fired;
  }

  /** Wakes one waiter of a run whose monitor the caller holds; null when it is gone. */
  private CompletableFuture<NotifyResult> wakeOne(RunTable.LiveRun lr, Waiter w, byte[] data) {
    Waiter current = waits.take(w);
    if (current == null) {
      return null; // woken or timed out meanwhile
    }
    StoreBatch b = new StoreBatch().deleteWaiter(current);
    if (lr.run == null || lr.run.ended()) {
      commit(lr, b);
      return null;
    }
    return wake(lr, current, data, b).thenApply(id -> new NotifyResult(current, id));
  }

  /**
   * Appends the waiter's Wait step to its run (holding the run's monitor) in {@code b}'s write:
   * with the event's {@code data}, or timed out when it is null. Completes with the step message's
   * id once on disk.
   */
  private CompletableFuture<String> wake(RunTable.LiveRun lr, Waiter w, byte[] data, StoreBatch b) {
    Message m = WaitSteps.message(w, data, limits, clock.millis());
    Message stored = StepMessages.forRun(m, lr.run, WaitSteps.headers(w, data == null));
    b.putHistoryEntry(
        new HistoryEntry(
            w.tenant(), w.runId(), lr.nextSeq++, stored.id(), m.body(), WorkflowHeaders.STEP));
    CompletableFuture<Void> write = publish.acceptWith(List.of(stored), b);
    lr.lastWrite = write;
    return write.handle(
        (v, err) -> {
          if (err != null) {
            runs.forget(lr); // memory ran ahead of the store: read the run again next time
            throw err instanceof RuntimeException re ? re : new IllegalStateException(err);
          }
          return stored.id();
        });
  }

  private CompletableFuture<Void> commit(RunTable.LiveRun lr, StoreBatch b) {
    CompletableFuture<Void> write = store.commit(b, Durability.SYNC);
    lr.lastWrite = write;
    return write.whenComplete(
        (v, err) -> {
          if (err != null) {
            runs.forget(lr);
          }
        });
  }

  private long timeoutMillis(String timeout) {
    if (timeout == null || timeout.isBlank()) {
      throw new InvalidRequestException("missing timeout: how long to wait, e.g. \"7d\"");
    }
    long ms = Durations.parseMillis(timeout, "timeout");
    if (ms <= 0) {
      throw new InvalidRequestException("invalid timeout: \"" + timeout + "\" must be positive");
    }
    if (ms > limits.maxDelayMillis()) {
      throw new InvalidRequestException(
          "invalid timeout: \""
              + timeout
              + "\" is longer than the maximum of "
              + limits.maxDelayMillis() / 86_400_000L
              + " days");
    }
    return ms;
  }

  /**
   * The headers a woken step is published with: the request's {@code Upstash-*} ones and its
   * content type (never its credentials, which would otherwise be stored and listed back).
   */
  private static Map<String, List<String>> publishHeaders(Map<String, List<String>> request) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    request.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (lower.startsWith("upstash-") || lower.equals("content-type")) {
            out.put(name, values);
          }
        });
    return out;
  }

  private static void requireGoing(RunTable.LiveRun lr) {
    if (lr.run == null) {
      throw new NotFoundException("workflow run " + lr.runId + " not found");
    }
    if (lr.run.ended()) {
      throw new InvalidRequestException(
          "workflow run " + lr.runId + " has ended (" + lr.run.state() + ")");
    }
  }

  private static void checkId(String id, String what) {
    if (id == null || id.isBlank() || id.indexOf('\0') >= 0) {
      throw new InvalidRequestException("invalid " + what + ": \"" + id + "\"");
    }
  }

  private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> all) {
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
  }
}
