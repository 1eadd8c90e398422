package dev.postbox.app;

import dev.postbox.core.queue.QueueService;
import dev.postbox.core.schedule.ScheduleService;
import dev.postbox.storage.rocksdb.RocksDbMessageStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Server configuration. Every setting has a flag and an environment variable (the flag wins); see
 * {@link #describe()} for the list, which is also the README's config table.
 */
public record BrokerConfig(
    String host,
    int port,
    Path dataDir,
    String token,
    String currentSigningKey,
    String nextSigningKey,
    int maxBodyBytes,
    Duration logRetention,
    Duration dlqRetention,
    int maxInFlight,
    int maxInFlightPerHost,
    Duration deliveryTimeout,
    int maxRetries,
    Duration shutdownGrace,
    String deliverer,
    long maxStorageBytes,
    Duration dedupWindow,
    boolean cronSeconds,
    int sendThreads,
    Duration requestTimeout,
    Duration idleTimeout,
    Duration deliveryLagLimit,
    int maxQueues,
    int maxSchedules,
    Duration syncWindow) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_DATA_DIR = "./postbox-data";
  public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
  public static final Duration DEFAULT_LOG_RETENTION = Duration.ofDays(7);
  public static final Duration DEFAULT_DLQ_RETENTION = Duration.ofDays(7);
  public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
  public static final int DEFAULT_MAX_IN_FLIGHT_PER_HOST = 200;
  public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofHours(2);
  public static final int DEFAULT_MAX_RETRIES = 20;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final String DEFAULT_DELIVERER = "netty";
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofMinutes(10);
  public static final int DEFAULT_SEND_THREADS = 1;
  public static final int DEFAULT_MAX_QUEUES = QueueService.DEFAULT_MAX_QUEUES;
  public static final int DEFAULT_MAX_SCHEDULES = ScheduleService.DEFAULT_MAX_SCHEDULES;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_DELIVERY_LAG_LIMIT = Duration.ofMillis(20);
  public static final Duration DEFAULT_SYNC_WINDOW = RocksDbMessageStore.DEFAULT_SYNC_WINDOW;

  /** A window longer than this would only add latency: each publish waits for its sync. */
  static final Duration MAX_SYNC_WINDOW = Duration.ofMillis(100);

  /** One setting: flag, environment variable, default and meaning. */
  public record Setting(String flag, String env, String defaultValue, String meaning) {}

  public static final List<Setting> SETTINGS =
      List.of(
          new Setting("--host", "POSTBOX_HOST", DEFAULT_HOST, "address to listen on"),
          new Setting("--port", "POSTBOX_PORT", "8080", "port to listen on (0 = any free port)"),
          new Setting("--data-dir", "POSTBOX_DATA_DIR", DEFAULT_DATA_DIR, "RocksDB data directory"),
          new Setting(
              "--token",
              "POSTBOX_TOKEN",
              "(unset: dev mode)",
              "production token; setting it turns the four dev-server users off"),
          new Setting(
              "--current-signing-key",
              "POSTBOX_CURRENT_SIGNING_KEY",
              "(generated once, stored)",
              "signing key of the production tenant (at least 32 characters)"),
          new Setting(
              "--next-signing-key",
              "POSTBOX_NEXT_SIGNING_KEY",
              "(generated once, stored)",
              "next signing key of the production tenant"),
          new Setting(
              "--max-body-size",
              "POSTBOX_MAX_BODY_SIZE",
              "10485760",
              "largest request body, bytes (413 beyond)"),
          new Setting(
              "--request-timeout",
              "POSTBOX_REQUEST_TIMEOUT",
              "60s",
              "how long a request may take to arrive once its head is in (408 beyond; 0: no limit)"),
          new Setting(
              "--idle-timeout",
              "POSTBOX_IDLE_TIMEOUT",
              "60s",
              "a connection with no request for this long is closed (0: never)"),
          new Setting("--log-retention", "POSTBOX_LOG_RETENTION", "7d", "how long logs are kept"),
          new Setting(
              "--dlq-retention", "POSTBOX_DLQ_RETENTION", "7d", "how long DLQ entries are kept"),
          new Setting(
              "--max-in-flight",
              "POSTBOX_MAX_IN_FLIGHT",
              "1000",
              "concurrent deliveries, all destinations"),
          new Setting(
              "--max-in-flight-per-host",
              "POSTBOX_MAX_IN_FLIGHT_PER_HOST",
              "200",
              "concurrent deliveries to one destination host"),
          new Setting(
              "--delivery-timeout",
              "POSTBOX_DELIVERY_TIMEOUT",
              "2h",
              "default and maximum per-attempt timeout (Upstash-Timeout can only shorten it)"),
          new Setting(
              "--max-retries", "POSTBOX_MAX_RETRIES", "20", "largest accepted Upstash-Retries"),
          new Setting(
              "--shutdown-grace",
              "POSTBOX_SHUTDOWN_GRACE",
              "10s",
              "on SIGTERM, how long in-flight deliveries may finish before they are re-queued"),
          new Setting(
              "--deliverer",
              "POSTBOX_DELIVERER",
              DEFAULT_DELIVERER,
              "outbound HTTP client: netty (pooled keep-alive, default) or jdk (java.net.http)"),
          new Setting(
              "--max-storage",
              "POSTBOX_MAX_STORAGE",
              "0 (no limit)",
              "storage quota, bytes or with k/m/g; beyond it publishes get 507 until space frees"),
          new Setting(
              "--dedup-window",
              "POSTBOX_DEDUP_WINDOW",
              "10m",
              "how long a deduplication id (or content hash) suppresses repeats"),
          new Setting(
              "--send-threads",
              "POSTBOX_SEND_THREADS",
              "1",
              "threads that sign and send deliveries beside the dispatcher (0: the dispatcher"
                  + " itself)"),
          new Setting(
              "--delivery-lag-limit",
              "POSTBOX_DELIVERY_LAG_LIMIT",
              "20ms",
              "when the delivery client falls further behind, hosts get at most 16 deliveries in"
                  + " flight for a second (fewer repeats after a crash; 0: never)"),
          new Setting(
              "--max-queues",
              "POSTBOX_MAX_QUEUES",
              Integer.toString(DEFAULT_MAX_QUEUES),
              "queues per tenant (creating one more, or enqueueing into a new one, is a 412)"),
          new Setting(
              "--max-schedules",
              "POSTBOX_MAX_SCHEDULES",
              Integer.toString(DEFAULT_MAX_SCHEDULES),
              "schedules per tenant (creating one more is a 412; replacing one is not)"),
          new Setting(
              "--sync-window",
              "POSTBOX_SYNC_WINDOW",
              DEFAULT_SYNC_WINDOW.toMillis() + "ms",
              "under load, WAL syncs (which acknowledge publishes) start at most this often, or"
                  + " when 16 publishes wait; an idle server syncs at once (0: back to back;"
                  + " at most 100ms)"),
          new Setting(
              "--cron-seconds",
              "POSTBOX_CRON_SECONDS",
              "false",
              "TEST ONLY: also accept 6-field cron with a leading seconds field (fast schedule"
                  + " tests); QStash has no such thing"));

  public static BrokerConfig defaults() {
    return new BrokerConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        Path.of(DEFAULT_DATA_DIR),
        null,
        null,
        null,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_LOG_RETENTION,
        DEFAULT_DLQ_RETENTION,
        DEFAULT_MAX_IN_FLIGHT,
        DEFAULT_MAX_IN_FLIGHT_PER_HOST,
        DEFAULT_DELIVERY_TIMEOUT,
        DEFAULT_MAX_RETRIES,
        DEFAULT_SHUTDOWN_GRACE,
        DEFAULT_DELIVERER,
        0,
        DEFAULT_DEDUP_WINDOW,
        false,
        DEFAULT_SEND_THREADS,
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_DELIVERY_LAG_LIMIT,
        DEFAULT_MAX_QUEUES,
        DEFAULT_MAX_SCHEDULES,
        DEFAULT_SYNC_WINDOW);
  }

  public boolean devMode() {
    return token == null;
  }

  /**
   * Reads flags ({@code --name value} or {@code --name=value}) over environment variables over
   * defaults. Throws IllegalArgumentException with a clear message on bad input.
   */
  public static BrokerConfig parse(String[] args, Map<String, String> env) {
    java.util.HashMap<String, String> values = new java.util.HashMap<>();
    for (Setting s : SETTINGS) {
      String v = env.get(s.env());
      if (v != null && !v.isBlank()) {
        values.put(s.flag(), v.trim());
      }
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        throw new HelpRequested();
      }
      String flag = a;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        flag = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + a);
        }
        value = args[++i];
      }
      String f = flag;
      if (SETTINGS.stream().noneMatch(s -> s.flag().equals(f))) {
        throw new IllegalArgumentException("unknown option " + flag + " (try --help)");
      }
      values.put(flag, value);
    }
    BrokerConfig d = defaults();
    BrokerConfig c =
        new BrokerConfig(
            values.getOrDefault("--host", d.host()),
            get(values, "--port", Integer::parseInt, d.port()),
            Path.of(values.getOrDefault("--data-dir", DEFAULT_DATA_DIR)),
            values.get("--token"),
            values.get("--current-signing-key"),
            values.get("--next-signing-key"),
            get(values, "--max-body-size", Integer::parseInt, d.maxBodyBytes()),
            get(values, "--log-retention", BrokerConfig::duration, d.logRetention()),
            get(values, "--dlq-retention", BrokerConfig::duration, d.dlqRetention()),
            get(values, "--max-in-flight", Integer::parseInt, d.maxInFlight()),
            get(values, "--max-in-flight-per-host", Integer::parseInt, d.maxInFlightPerHost()),
            get(values, "--delivery-timeout", BrokerConfig::duration, d.deliveryTimeout()),
            get(values, "--max-retries", Integer::parseInt, d.maxRetries()),
            get(values, "--shutdown-grace", BrokerConfig::duration, d.shutdownGrace()),
            values.getOrDefault("--deliverer", DEFAULT_DELIVERER),
            get(values, "--max-storage", BrokerConfig::bytes, 0L),
            get(values, "--dedup-window", BrokerConfig::duration, d.dedupWindow()),
            get(values, "--cron-seconds", BrokerConfig::bool, false),
            get(values, "--send-threads", Integer::parseInt, d.sendThreads()),
            get(values, "--request-timeout", BrokerConfig::duration, d.requestTimeout()),
            get(values, "--idle-timeout", BrokerConfig::duration, d.idleTimeout()),
            get(values, "--delivery-lag-limit", BrokerConfig::duration, d.deliveryLagLimit()),
            get(values, "--max-queues", Integer::parseInt, d.maxQueues()),
            get(values, "--max-schedules", Integer::parseInt, d.maxSchedules()),
            get(values, "--sync-window", BrokerConfig::duration, d.syncWindow()));
    c.validate();
    return c;
  }

  /** Thrown by {@link #parse} for {@code --help}. */
  public static final class HelpRequested extends RuntimeException {
    HelpRequested() {
      super("help", null, false, false);
    }
  }

  private static boolean bool(String v) {
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("expected true or false, got \"" + v + "\"");
  }

  private static <T> T get(
      Map<String, String> values, String flag, Function<String, T> parse, T fallback) {
    String v = values.get(flag);
    if (v == null) {
      return fallback;
    }
    try {
      return parse.apply(v.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid value for " + flag + ": " + v);
    }
  }

  /**
   * {@code 500us}, {@code 250ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, or a plain
   * number of seconds.
   */
  static Duration duration(String s) {
    if (s.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(s));
    }
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("us")) {
      return Duration.ofNanos(
          Math.multiplyExact(Long.parseLong(s.substring(0, s.length() - 2)), 1000));
    }
    long n = Long.parseLong(s.substring(0, s.length() - 1));
    switch (s.charAt(s.length() - 1)) {
      case 's':
        return Duration.ofSeconds(n);
      case 'm':
        return Duration.ofMinutes(n);
      case 'h':
        return Duration.ofHours(n);
      case 'd':
        return Duration.ofDays(n);
      default:
        throw new IllegalArgumentException("bad duration " + s);
    }
  }

  /** {@code 500m}, {@code 2g}, {@code 64k} or a plain number of bytes. */
  static long bytes(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      t = t.substring(0, t.length() - 1);
    }
    long n = Long.parseLong(t);
    if (n < 0) {
      throw new IllegalArgumentException("negative size");
    }
    return Math.multiplyExact(n, unit);
  }

  /** Fails fast on settings that cannot work. */
  public void validate() {
    List<String> problems = new ArrayList<>();
    if (port < 0 || port > 65535) {
      problems.add("--port must be 0..65535");
    }
    if (maxBodyBytes < 1) {
      problems.add("--max-body-size must be positive");
    }
    if (maxInFlight < 1 || maxInFlightPerHost < 1) {
      problems.add("--max-in-flight and --max-in-flight-per-host must be positive");
    }
    if (requestTimeout.isNegative() || idleTimeout.isNegative()) {
      problems.add("--request-timeout and --idle-timeout must not be negative");
    }
    if (deliveryLagLimit.isNegative()) {
      problems.add("--delivery-lag-limit must not be negative");
    }
    if (syncWindow.isNegative() || syncWindow.compareTo(MAX_SYNC_WINDOW) > 0) {
      problems.add("--sync-window must be 0.." + MAX_SYNC_WINDOW.toMillis() + "ms");
    }
    if (maxRetries < 0) {
      problems.add("--max-retries must be >= 0");
    }
    if (maxQueues < 1 || maxSchedules < 1) {
      problems.add("--max-queues and --max-schedules must be positive");
    }
    if (sendThreads < 0 || sendThreads > 64) {
      problems.add("--send-threads must be 0..64");
    }
    if (!deliverer.equals("netty") && !deliverer.equals("jdk")) {
      problems.add("--deliverer must be netty or jdk");
    }
    if (token != null && token.isBlank()) {
      problems.add("--token must not be blank");
    }
    if ((currentSigningKey == null) != (nextSigningKey == null)) {
      problems.add("give both --current-signing-key and --next-signing-key, or neither");
    }
    if (currentSigningKey != null && token == null) {
      problems.add("signing keys are for the production tenant: also give --token");
    }
    for (String k : new String[] {currentSigningKey, nextSigningKey}) {
      if (k != null && k.length() < 32) {
        problems.add("signing keys must be at least 32 characters");
        break;
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** The settings as a text table, for --help. */
  public static String describe() {
    StringBuilder sb = new StringBuilder("Options (flag, environment variable, default):\n");
    for (Setting s : SETTINGS) {
      sb.append(
          String.format(
              "  %-26s %-30s %-22s %s%n", s.flag(), s.env(), s.defaultValue(), s.meaning()));
    }
    return sb.toString();
  }

  public BrokerConfig withPort(int p) {
    return copy(p, dataDir, cronSeconds);
  }

  public BrokerConfig withDataDir(Path p) {
    return copy(port, p, cronSeconds);
  }

  public BrokerConfig withCronSeconds(boolean on) {
    return copy(port, dataDir, on);
  }

  private BrokerConfig copy(int newPort, Path newDataDir, boolean newCronSeconds) {
    return new BrokerConfig(
        host,
        newPort,
        newDataDir,
        token,
        currentSigningKey,
        nextSigningKey,
        maxBodyBytes,
        logRetention,
        dlqRetention,
        maxInFlight,
        maxInFlightPerHost,
        deliveryTimeout,
        maxRetries,
        shutdownGrace,
        deliverer,
        maxStorageBytes,
        dedupWindow,
        newCronSeconds,
        sendThreads,
        requestTimeout,
        idleTimeout,
        deliveryLagLimit,
        maxQueues,
        maxSchedules,
        syncWindow);
  }
}
