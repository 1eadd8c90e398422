package dev.postbox.core.schedule;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import dev.postbox.core.util.KeyedSequencer;
import dev.postbox.core.util.TenantLimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules (docs/api.md#schedules): create or replace, read, pause, resume, delete, and the ticks.
 *
 * <p>A tick stores the messages it produces and the schedule's advanced next fire time in one
 * synced write, so a crash can neither lose a tick nor produce it twice: a tick is produced only
 * when the stored next fire time equals the tick's time, and the same write moves it on. Every
 * change to one schedule (API calls and ticks) runs in order through a {@link KeyedSequencer}, so
 * each reads the previous one's write; different schedules proceed concurrently and their ticks
 * share group commits.
 *
 * <p>Missed ticks (the server was down, or a tick ran late): one tick is produced for the most
 * recent missed time, stamped with the time it actually ran, and the schedule continues from the
 * first fire time after now. Paused schedules keep advancing their next fire time without producing
 * messages. When the storage quota is reached, ticks are skipped the same way.
 */
public final class ScheduleService {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleService.class);
  private static final int RECOVERY_PAGE = 1000;

  /** Schedules a tenant may have unless configured otherwise (creating one more is a 412). */
  public static final int DEFAULT_MAX_SCHEDULES = 100_000;

  private final MessageStore store;
  private final PublishService publish;
  private final CronCache crons;
  private final TickTimer timer;
  private final Clock clock;
  private final boolean allowSeconds;
  private final KeyedSequencer<ScheduleRef> sequencer;
  private final Executor executor;
  // Schedules that exist, per tenant; a schedule comes and goes in its sequencer's turn.
  private final TenantLimit limit;

  /**
   * @param allowSeconds accept a leading seconds field (test-only server option)
   * @param executor runs schedule operations; they do bounded store reads and never wait
   * @param maxSchedules schedules a tenant may have; creating one more is refused with
   *     LIMIT_EXCEEDED (412, as QStash's plan limit on active schedules); replacing one is not
   *     creating one
   */
  public ScheduleService(
      MessageStore store,
      PublishService publish,
      CronCompiler compiler,
      TickTimer timer,
      Clock clock,
      boolean allowSeconds,
      Executor executor,
      int maxSchedules) {
    this.limit = new TenantLimit("schedule", "--max-schedules", maxSchedules);
    this.store = store;
    this.publish = publish;
    this.crons = new CronCache(compiler);
    this.timer = timer;
    this.clock = clock;
    this.allowSeconds = allowSeconds;
    this.sequencer = new KeyedSequencer<>(executor);
    this.executor = executor;
  }

  /** A schedule with the states of the messages its last tick produced. */
  public record View(Schedule schedule, Map<String, RunState> lastStates) {}

  /** Parses and compiles a cron expression; a 400 when it is invalid or never fires. */
  public CronSpec validate(String cron) {
    CronSpec spec = CronSpec.parse(cron, allowSeconds);
    if (cron(spec.text()).nextAfter(clock.millis()) == Cron.NEVER) {
      throw new InvalidRequestException(
          "invalid Upstash-Cron \"" + spec.text() + "\": it never fires (no such date)");
    }
    return spec;
  }

  /**
   * Creates a schedule, or replaces the one with {@code id} entirely (docs/api.md#schedules). The
   * template's tenant, destination and settings become those of every produced message.
   *
   * @param id the caller's schedule id, or null for a new {@code scd_} id
   * @return the schedule id, once the schedule is on disk
   */
  public CompletableFuture<String> put(String id, String cron, Message template, long delayMs) {
    CronSpec spec = validate(cron);
    String scheduleId = id != null ? id : Ids.scheduleId();
    ScheduleRef ref = new ScheduleRef(template.tenant(), scheduleId);
    return sequencer.run(
        ref,
        () -> {
          boolean created = store.findSchedule(ref).isEmpty();
          if (created) {
            limit.take(ref.tenant());
          }
          long now = clock.millis();
          long next = cron(spec.text()).nextAfter(now);
          Schedule s =
              new Schedule(
                  ref.tenant(),
                  scheduleId,
                  spec.text(),
                  template.toBuilder().withId(scheduleId).withScheduleId(scheduleId).build(),
                  delayMs,
                  now,
                  false,
                  0,
                  next,
                  List.of());
          StoreBatch b = forgetRuns(new StoreBatch(), ref).putSchedule(s);
          return store
              .commit(b, Durability.SYNC)
              .whenComplete(
                  (v, err) -> {
                    if (err != null && created) {
                      limit.give(ref.tenant());
                    }
                  })
              .thenApplyAsync( // off the store's commit thread
                  v -> {
                    timer.arm(ref, next);
                    LOG.info(
                        "schedule {} of tenant {} {}: cron {} to {}",
                        scheduleId,
                        ref.tenant(),
                        created ? "created" : "replaced",
                        spec.text(),
                        template.url());
                    return scheduleId;
                  },
                  executor);
        });
  }

  public View get(String tenant, String id) {
    ScheduleRef ref = new ScheduleRef(tenant, id);
    return view(store.findSchedule(ref).orElseThrow(() -> notFound(id)));
  }

  /**
   * The next {@code count} fire times (epoch ms) of a tenant's schedule: its stored next fire time
   * and those after it, in the expression's zone ({@code CRON_TZ}), fewer when it stops firing. A
   * paused schedule has them too: its next fire time keeps advancing.
   */
  public List<Long> nextFireTimes(String tenant, String id, int count) {
    Schedule s = store.findSchedule(new ScheduleRef(tenant, id)).orElseThrow(() -> notFound(id));
    return crons.series(s.cron(), s.nextScheduleTime(), count);
  }

  /** A tenant's schedules, in id order. */
  public List<View> list(String tenant) {
    List<View> out = new ArrayList<>();
    ScheduleRef after = null;
    while (true) {
      List<Schedule> page = store.scanSchedules(tenant, after, RECOVERY_PAGE);
      page.forEach(s -> out.add(view(s)));
      if (page.size() < RECOVERY_PAGE) {
        return out;
      }
      after = page.get(page.size() - 1).ref();
    }
  }

  public CompletableFuture<Void> delete(String tenant, String id) {
    ScheduleRef ref = new ScheduleRef(tenant, id);
    return sequencer.run(
        ref,
        () -> {
          if (store.findSchedule(ref).isEmpty()) {
            throw notFound(id);
          }
          // Disarmed only once the delete is on disk: a tick in between finds no schedule.
          return store
              .commit(forgetRuns(new StoreBatch(), ref).deleteSchedule(ref), Durability.SYNC)
              .thenRun(
                  () -> {
                    limit.give(tenant);
                    timer.disarm(ref);
                  })
              .thenRunAsync( // not on the store's commit thread
                  () -> LOG.info("schedule {} of tenant {} deleted", id, tenant), executor);
        });
  }

  /** Pauses or resumes; idempotent. */
  public CompletableFuture<Void> setPaused(String tenant, String id, boolean paused) {
    ScheduleRef ref = new ScheduleRef(tenant, id);
    return sequencer.run(
        ref,
        () -> {
          Schedule s = store.findSchedule(ref).orElseThrow(() -> notFound(id));
          if (s.paused() == paused) {
            return CompletableFuture.completedFuture(null);
          }
          return store.commit(new StoreBatch().putSchedule(s.withPaused(paused)), Durability.SYNC);
        });
  }

  /** Arms the timer for every stored schedule; ticks missed while down fire at once (once). */
  public void recover() {
    ScheduleRef after = null;
    int n = 0;
    while (true) {
      List<Schedule> page = store.scanSchedules(null, after, RECOVERY_PAGE);
      for (Schedule s : page) {
        limit.counted(s.tenant());
        if (s.nextScheduleTime() != Cron.NEVER) {
          timer.arm(s.ref(), s.nextScheduleTime());
        }
      }
      n += page.size();
      if (page.size() < RECOVERY_PAGE) {
        break;
      }
      after = page.get(page.size() - 1).ref();
    }
    if (n > 0) {
      LOG.info("{} schedule(s) restored", n);
    }
  }

  /** Starts receiving ticks from the timer. */
  public void start() {
    timer.start(this::onTick);
  }

  /** A tick is due: produce it unless the schedule changed since the timer was armed. */
  public CompletableFuture<Void> onTick(ScheduleRef ref, long scheduledAt) {
    CompletableFuture<Void> f = sequencer.run(ref, () -> tick(ref, scheduledAt));
    f.exceptionally(
        e -> {
          LOG.warn("schedule {} tick at {} failed; retrying in 1 s", ref.id(), scheduledAt, e);
          timer.arm(ref, clock.millis() + 1000);
          return null;
        });
    return f;
  }

  private CompletableFuture<Void> tick(ScheduleRef ref, long scheduledAt) {
    Optional<Schedule> found = store.findSchedule(ref);
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(null); // deleted since armed
    }
    Schedule s = found.get();
    if (s.nextScheduleTime() > scheduledAt) {
      // Replaced since armed, or a duplicate trigger: the stored tick is the one that counts.
      if (s.nextScheduleTime() != Cron.NEVER) {
        timer.arm(ref, s.nextScheduleTime());
      }
      return CompletableFuture.completedFuture(null);
    }
    long now = clock.millis();
    long next = cron(s.cron()).nextAfter(Math.max(now, s.nextScheduleTime()));
    List<Message> produced = s.paused() ? List.of() : produce(s, now);
    CompletableFuture<Void> written;
    if (produced.isEmpty() || publish.storageFull()) {
      if (!produced.isEmpty()) {
        LOG.warn("schedule {}: storage quota reached, tick skipped", s.id());
      }
      written = store.commit(new StoreBatch().putSchedule(s.withNext(next)), Durability.SYNC);
    } else {
      List<String> ids = produced.stream().map(Message::id).toList();
      StoreBatch b = forgetRuns(new StoreBatch(), ref).putSchedule(s.fired(now, next, ids));
      CompletableFuture<Void> accepted;
      try {
        accepted = publish.acceptWith(produced, b);
      } catch (BrokerException e) {
        if (e.code() != ErrorCode.LIMIT_EXCEEDED) {
          throw e;
        }
        // Its queue does not exist and the tenant has as many queues as it may: retrying every
        // second would not help, so the tick is skipped, as when storage is full.
        LOG.warn("schedule {}: {}; tick skipped", s.id(), e.getMessage());
        accepted = store.commit(new StoreBatch().putSchedule(s.withNext(next)), Durability.SYNC);
      }
      written = accepted;
    }
    return written.thenRunAsync( // off the store's commit thread
        () -> {
          if (next != Cron.NEVER) {
            timer.arm(ref, next);
          }
        },
        executor);
  }

  /** The compiled form of a stored (so already validated) expression, cached. */
  private Cron cron(String text) {
    return crons.get(text);
  }

  /**
   * The messages a tick at {@code now} produces: the template as if published at that instant,
   * fanned out when the destination is a URL group (none, with a warning, when the group is gone).
   */
  private List<Message> produce(Schedule s, long now) {
    long due = now + s.delayMillis();
    Message m =
        s.template().toBuilder()
            .withId(Ids.messageId())
            .withScheduleId(s.id())
            .withCreatedAt(now)
            .withNotBefore(due)
            .withDueAt(due)
            .withRetried(0)
            .build();
    String group = m.topicName();
    if (group == null) {
      return List.of(m);
    }
    Optional<UrlGroup> g = store.findGroup(s.tenant(), group);
    if (g.isEmpty() || g.get().endpoints().isEmpty()) {
      LOG.warn("schedule {}: URL group {} does not exist, tick skipped", s.id(), group);
      return List.of();
    }
    return g.get().fanOut(m);
  }

  /**
   * The schedule with the states of its last tick's messages: the recorded outcome, else {@code
   * IN_PROGRESS} while the message exists, else {@code FAIL}. A delivery or a dead-lettering
   * records its outcome in the write that removes the message; a message that is gone without one
   * was cancelled (or its queue deleted), and it will never be delivered.
   */
  private View view(Schedule s) {
    Map<String, RunState> recorded =
        s.lastMessageIds().isEmpty() ? Map.of() : store.runStates(s.ref());
    Map<String, RunState> states = new LinkedHashMap<>();
    List<String> gone = new ArrayList<>();
    for (String id : s.lastMessageIds()) {
      RunState state = recorded.get(id);
      if (state == null && store.findMessage(new MessageRef(s.tenant(), id)).isEmpty()) {
        gone.add(id);
      }
      states.put(id, state != null ? state : RunState.IN_PROGRESS);
    }
    if (gone.isEmpty()) {
      return new View(s, states);
    }
    // The outcome may have been recorded since the first read: read again, then the schedule, as
    // a tick since then forgets the outcomes of the messages before it.
    Map<String, RunState> again = store.runStates(s.ref());
    Optional<Schedule> current = store.findSchedule(s.ref());
    if (current.isPresent() && !current.get().lastMessageIds().equals(s.lastMessageIds())) {
      return view(current.get()); // the tick's messages are no longer the last ones
    }
    for (String id : gone) {
      states.put(id, again.getOrDefault(id, RunState.FAIL));
    }
    return new View(s, states);
  }

  /** Deletes the recorded run states of a schedule (a new tick replaces them). */
  private StoreBatch forgetRuns(StoreBatch b, ScheduleRef ref) {
    for (String messageId : store.runStates(ref).keySet()) {
      b.deleteRunState(ref, messageId);
    }
    return b;
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("schedule " + id + " not found");
  }
}
