package dev.postbox.app;

import java.util.ArrayList;
import java.util.List;

/** The settings that cannot work, each said as the user should fix it. */
final class ConfigChecks {
  private ConfigChecks() {}

  static List<String> problems(BrokerConfig c) {
    List<String> problems = new ArrayList<>();
    if (c.port < 0 || c.port > 65535) {
      problems.add("--port must be 0..65535");
    }
    if (c.maxBodyBytes < 1 || c.maxBodyBytes > Integer.MAX_VALUE) {
      problems.add("--max-body-size must be 1.." + Integer.MAX_VALUE);
    }
    if (c.delivery.maxInFlight < 1 || c.delivery.maxInFlightPerHost < 1) {
      problems.add("--max-in-flight and --max-in-flight-per-host must be positive");
    }
    if (c.requestTimeout.isNegative() || c.idleTimeout.isNegative()) {
      problems.add("--request-timeout and --idle-timeout must not be negative");
    }
    if (c.retention.keepEnded.isNegative()) {
      problems.add("--keep-ended must not be negative");
    }
    if (c.delivery.deliveryLagLimit.isNegative()) {
      problems.add("--delivery-lag-limit must not be negative");
    }
    if (c.syncWindow.isNegative() || c.syncWindow.compareTo(BrokerConfig.MAX_SYNC_WINDOW) > 0) {
      problems.add("--sync-window must be 0.." + BrokerConfig.MAX_SYNC_WINDOW.toMillis() + "ms");
    }
    if (c.delivery.maxRetries < 0) {
      problems.add("--max-retries must be >= 0");
    }
    if (c.maxQueues < 1 || c.maxSchedules < 1) {
      problems.add("--max-queues and --max-schedules must be positive");
    }
    if (c.delivery.sendThreads < 0 || c.delivery.sendThreads > 64) {
      problems.add("--send-threads must be 0..64");
    }
    if (!c.delivery.deliverer.equals("netty") && !c.delivery.deliverer.equals("jdk")) {
      problems.add("--deliverer must be netty or jdk");
    }
    problems.addAll(c.production.problems());
    problems.addAll(c.logging.problems());
    problems.addAll(c.redis.problems(c.devMode()));
    List<String> destinations = c.destinations.problems();
    problems.addAll(destinations);
    if (destinations.isEmpty()
        && !c.destinations.policy().allowsAll()
        && !c.delivery.deliverer.equals("netty")) {
      problems.add("--deny-destinations and --destination-profile need --deliverer netty");
    }
    problems.addAll(ConfiguredTenants.problems(c));
    return problems;
  }
}
