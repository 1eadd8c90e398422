package dev.postbox.core.group;

import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.publish.DefaultHeaders;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * URL groups (docs/api.md#url-groups): add and remove endpoints, set default headers, read, list,
 * delete. Changes to one group are serialised (a striped lock around read, change and synced
 * write), so concurrent additions are never lost. Blocking: call from a thread that may wait for a
 * disk sync.
 */
public final class UrlGroupService {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final int STRIPES = 64;

  private final MessageStore store;
  private final Clock clock;
  private final PublishLimits limits;
  private final Object[] locks = new Object[STRIPES];

  /** {@code limits}: the bounds default headers are checked against, as a publish's headers. */
  public UrlGroupService(MessageStore store, Clock clock, PublishLimits limits) {
    this.store = store;
    this.clock = clock;
    this.limits = limits;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** Validates a group or endpoint name; a 400 naming {@code what} when it is not allowed. */
  public static String checkName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "invalid " + what + " \"" + name + "\": use letters, digits, '.', '_' and '-'");
    }
    return name;
  }

  /**
   * Adds endpoints, creating the group if needed. An endpoint with the url or the name of an
   * existing one replaces it instead of being added twice. The group's default headers stay.
   */
  public UrlGroup addEndpoints(String tenant, String name, List<Endpoint> endpoints) {
    checkName(name, "URL group name");
    if (endpoints.isEmpty()) {
      throw new InvalidRequestException("endpoints must not be empty");
    }
    endpoints.forEach(e -> limits.destinations().check(e.url(), "endpoint"));
    synchronized (lock(tenant, name)) {
      long now = clock.millis();
      Optional<UrlGroup> existing = store.findGroup(tenant, name);
      List<Endpoint> list = new ArrayList<>(existing.map(UrlGroup::endpoints).orElse(List.of()));
      for (Endpoint e : endpoints) {
        int same = indexOf(list, e);
        if (same >= 0) {
          list.set(same, e);
        } else {
          list.add(e);
        }
      }
      UrlGroup g =
          existing
              .map(old -> old.withEndpoints(list, now))
              .orElseGet(() -> new UrlGroup(tenant, name, now, now, list));
      store.commit(new StoreBatch().putGroup(g), Durability.SYNC).join();
      return g;
    }
  }

  /**
   * Removes the endpoints that match by name or url; removing the last one deletes the group.
   *
   * @param selectors endpoints to remove: each has a name, a url, or both
   */
  public void removeEndpoints(String tenant, String name, List<Endpoint> selectors) {
    synchronized (lock(tenant, name)) {
      UrlGroup g = get(tenant, name);
      List<Endpoint> list = new ArrayList<>(g.endpoints());
      for (Endpoint s : selectors) {
        list.removeIf(e -> matches(e, s));
      }
      StoreBatch b =
          list.isEmpty()
              ? new StoreBatch().deleteGroup(tenant, name)
              : new StoreBatch().putGroup(g.withEndpoints(list, clock.millis()));
      store.commit(b, Durability.SYNC).join();
    }
  }

  /**
   * Replaces the default headers of an existing group (an empty map clears them). They are checked
   * now, as the headers of a publish are, so a bad value is a 400 here rather than on every later
   * publish. A 404 when the group does not exist: groups are created by adding endpoints.
   */
  public UrlGroup setDefaultHeaders(String tenant, String name, Map<String, List<String>> headers) {
    Map<String, List<String>> checked = DefaultHeaders.check(headers, clock.millis(), limits);
    synchronized (lock(tenant, name)) {
      UrlGroup g = get(tenant, name).withDefaultHeaders(checked, clock.millis());
      store.commit(new StoreBatch().putGroup(g), Durability.SYNC).join();
      return g;
    }
  }

  /** The default headers of a group; empty when it has none or does not exist. */
  public Map<String, List<String>> defaultHeaders(String tenant, String name) {
    return store.findGroup(tenant, name).map(UrlGroup::defaultHeaders).orElse(Map.of());
  }

  public UrlGroup get(String tenant, String name) {
    return store.findGroup(tenant, name).orElseThrow(() -> notFound(name));
  }

  /** The group to fan a message out to; a 404 when it does not exist (or has no endpoints). */
  public UrlGroup forPublish(String tenant, String name) {
    UrlGroup g =
        store
            .findGroup(tenant, name)
            .filter(x -> !x.endpoints().isEmpty())
            .orElseThrow(() -> notFound(name));
    // Added under an earlier policy perhaps: every endpoint is checked again as a destination.
    g.endpoints().forEach(e -> limits.destinations().check(e.url(), "destination"));
    return g;
  }

  public List<UrlGroup> list(String tenant) {
    return store.listGroups(tenant);
  }

  /**
   * Deletes a group. Deleting one that does not exist succeeds too (as the hosted service answers,
   * and the SDKs' tests expect): afterwards the group does not exist either way.
   */
  public void delete(String tenant, String name) {
    synchronized (lock(tenant, name)) {
      if (store.findGroup(tenant, name).isEmpty()) {
        return;
      }
      store.commit(new StoreBatch().deleteGroup(tenant, name), Durability.SYNC).join();
    }
  }

  private static int indexOf(List<Endpoint> list, Endpoint e) {
    for (int i = 0; i < list.size(); i++) {
      Endpoint x = list.get(i);
      if (x.url().equals(e.url()) || (e.name() != null && e.name().equals(x.name()))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean matches(Endpoint e, Endpoint selector) {
    return (selector.name() != null && selector.name().equals(e.name()))
        || (selector.url() != null && selector.url().equals(e.url()));
  }

  private Object lock(String tenant, String name) {
    return locks[Math.floorMod((tenant + '\0' + name).hashCode(), STRIPES)];
  }

  private static NotFoundException notFound(String name) {
    return new NotFoundException("URL group " + name + " not found");
  }
}
