package dev.postbox.core.workflow;

import dev.postbox.core.store.StoreBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The waits of all runs, in memory (loaded from the store on start): waiters by event and by run,
 * their deadlines in order, and the events kept for runs that did not wait yet. A run's waits
 * change only while its {@link RunTable.LiveRun} monitor is held, and are submitted to the store
 * under it too, so memory may run ahead of the disk but never out of the run's commit order. Never
 * touches the store. Thread-safe.
 */
final class WaitTable {
  private record Deadline(long at, String key) {}

  private final Map<String, Waiter> waiters = new HashMap<>();
  private final Map<String, Set<String>> byEvent = new HashMap<>(); // tenant+eventId -> keys
  private final Map<String, Set<String>> byRun = new HashMap<>(); // tenant+runId -> keys
  private final TreeSet<Deadline> deadlines =
      new TreeSet<>(Comparator.comparingLong(Deadline::at).thenComparing(Deadline::key));
  private final Map<String, WaitEvent> events = new HashMap<>();
  private final Map<String, Set<String>> eventsByRun = new HashMap<>();

  /** Adds a waiter, replacing the one of the same run, event and step. */
  synchronized void put(Waiter w) {
    String key = key(w);
    Waiter old = waiters.put(key, w);
    if (old != null) {
      deadlines.remove(new Deadline(old.deadline(), key));
    }
    byEvent.computeIfAbsent(pair(w.tenant(), w.eventId()), k -> new LinkedHashSet<>()).add(key);
    byRun.computeIfAbsent(pair(w.tenant(), w.runId()), k -> new LinkedHashSet<>()).add(key);
    deadlines.add(new Deadline(w.deadline(), key));
  }

  /**
   * Removes the waiter of {@code w}'s run, event and step and returns it as it is now, or null when
   * it is gone (woken, timed out or dropped meanwhile): of two callers, exactly one gets it.
   */
  synchronized Waiter take(Waiter w) {
    String key = key(w);
    Waiter current = waiters.remove(key);
    if (current == null) {
      return null;
    }
    deadlines.remove(new Deadline(current.deadline(), key));
    unlink(byEvent, pair(w.tenant(), w.eventId()), key);
    unlink(byRun, pair(w.tenant(), w.runId()), key);
    return current;
  }

  /** The waiters of an event, in the order they were registered. */
  synchronized List<Waiter> waitersOf(String tenant, String eventId) {
    List<Waiter> out = new ArrayList<>();
    for (String k : byEvent.getOrDefault(pair(tenant, eventId), Set.of())) {
      out.add(waiters.get(k));
    }
    return out;
  }

  /** The waiters of one run, in the order they were registered. */
  synchronized List<Waiter> waitersOfRun(String tenant, String runId) {
    List<Waiter> out = new ArrayList<>();
    for (String k : byRun.getOrDefault(pair(tenant, runId), Set.of())) {
      out.add(waiters.get(k));
    }
    return out;
  }

  /** The waiters of one run for an event. */
  synchronized List<Waiter> waitersOf(String tenant, String runId, String eventId) {
    List<Waiter> out = new ArrayList<>();
    for (String k : byRun.getOrDefault(pair(tenant, runId), Set.of())) {
      Waiter w = waiters.get(k);
      if (w.eventId().equals(eventId)) {
        out.add(w);
      }
    }
    return out;
  }

  /** Up to {@code limit} waiters whose deadline is at or before {@code now}, earliest first. */
  synchronized List<Waiter> due(long now, int limit) {
    List<Waiter> out = new ArrayList<>();
    for (Deadline d : deadlines) {
      if (d.at() > now || out.size() >= limit) {
        break;
      }
      out.add(waiters.get(d.key()));
    }
    return out;
  }

  /** Keeps an event for a run, replacing the one of the same event id. */
  synchronized void putEvent(WaitEvent e) {
    String key = eventKey(e.tenant(), e.runId(), e.eventId());
    events.put(key, e);
    eventsByRun.computeIfAbsent(pair(e.tenant(), e.runId()), k -> new LinkedHashSet<>()).add(key);
  }

  /** Removes and returns the event kept for the run, or null. */
  synchronized WaitEvent takeEvent(String tenant, String runId, String eventId) {
    String key = eventKey(tenant, runId, eventId);
    WaitEvent e = events.remove(key);
    if (e != null) {
      unlink(eventsByRun, pair(tenant, runId), key);
    }
    return e;
  }

  /** Drops every waiter and kept event of a run, adding their deletes to {@code batch}. */
  synchronized void dropRun(String tenant, String runId, StoreBatch batch) {
    String run = pair(tenant, runId);
    for (String key : new ArrayList<>(byRun.getOrDefault(run, Set.of()))) {
      Waiter w = take(waiters.get(key));
      batch.deleteWaiter(w);
    }
    for (String key : new ArrayList<>(eventsByRun.getOrDefault(run, Set.of()))) {
      WaitEvent e = events.get(key);
      takeEvent(tenant, runId, e.eventId());
      batch.deleteWaitEvent(e);
    }
  }

  private static void unlink(Map<String, Set<String>> index, String at, String key) {
    Set<String> keys = index.get(at);
    if (keys != null && keys.remove(key) && keys.isEmpty()) {
      index.remove(at);
    }
  }

  private static String key(Waiter w) {
    return eventKey(w.tenant(), w.runId(), w.eventId()) + '\0' + w.step().stepId();
  }

  private static String eventKey(String tenant, String runId, String eventId) {
    return tenant + '\0' + runId + '\0' + eventId;
  }

  private static String pair(String a, String b) {
    return a + '\0' + b;
  }
}
