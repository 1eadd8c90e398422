package dev.postbox.app;

import dev.postbox.core.destination.DestinationPolicy;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.schedule.ScheduleService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Server configuration. Each setting is defined once, as an annotated field below: its flag, its
 * default and its meaning; its type (with {@link SettingConverters}) is its parser, and its
 * environment variable is the flag's name in upper case after {@code POSTBOX_} ({@code
 * --max-body-size} is {@code POSTBOX_MAX_BODY_SIZE}), and its name in the config file ({@link
 * ConfigFile}) is the flag's without the dashes. A flag wins over the environment, which wins over
 * the file, which wins over the default. The help text and {@link #SETTINGS} (the README's
 * configuration table) are rendered from these fields.
 */
@Command(
    name = "postbox",
    mixinStandardHelpOptions = true,
    versionProvider = Version.Provider.class,
    sortOptions = false)
public final class BrokerConfig implements Cloneable {
  /** A window longer than this would only add latency: each publish waits for its sync. */
  static final Duration MAX_SYNC_WINDOW = Duration.ofMillis(100);

  @Option(
      names = ConfigOptions.CONFIG,
      description = "YAML file with settings named as here without the -- and a list of tenants")
  Path configFile;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "port to listen on (0 = any free port)")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "./postbox-data",
      description = "RocksDB data directory")
  Path dataDir;

  /** Who may call when not in dev mode: --token and the signing keys. */
  @Mixin ProductionTenant production = new ProductionTenant();

  @Option(
      names = "--max-body-size",
      defaultValue = "10485760",
      converter = SettingConverters.ByteSize.class,
      description = "largest request body, bytes or with k/m/g (413 beyond)")
  long maxBodyBytes;

  @Option(
      names = "--request-timeout",
      defaultValue = "60s",
      description =
          "how long a request may take to arrive once its head is in (408 beyond; 0: no limit)")
  Duration requestTimeout;

  @Option(
      names = "--idle-timeout",
      defaultValue = "60s",
      description = "a connection with no request for this long is closed (0: never)")
  Duration idleTimeout;

  /** How long logs, DLQ entries, ended messages and deduplication ids are kept. */
  @Mixin RetentionSettings retention = new RetentionSettings();

  @Option(
      names = "--shutdown-grace",
      defaultValue = "10s",
      description =
          "on SIGTERM, how long in-flight deliveries may finish before they are re-queued")
  Duration shutdownGrace;

  @Option(
      names = "--max-storage",
      defaultValue = "0",
      converter = SettingConverters.ByteSize.class,
      description =
          "storage quota, bytes or with k/m/g, 0 for none; beyond it publishes get 507 until"
              + " space frees")
  long maxStorageBytes;

  @Option(
      names = "--max-queues",
      defaultValue = "" + QueueService.DEFAULT_MAX_QUEUES,
      description = "queues per tenant (creating one more, or enqueueing into a new one, is a 412)")
  int maxQueues;

  @Option(
      names = "--max-schedules",
      defaultValue = "" + ScheduleService.DEFAULT_MAX_SCHEDULES,
      description = "schedules per tenant (creating one more is a 412; replacing one is not)")
  int maxSchedules;

  @Option(
      names = "--sync-window",
      defaultValue = "1ms",
      description =
          "the longest a synced write waits for the WAL sync that acknowledges it: under load"
              + " syncs start at most this often, or when 16 wait; below 3 a window, at most a"
              + " third of it; an idle server syncs at once (0: back to back; at most 100ms)")
  Duration syncWindow;

  @Option(
      names = "--metrics-auth",
      defaultValue = "false",
      arity = "0..1",
      description =
          "GET /metrics needs a tenant's token (Authorization: Bearer); off, Prometheus scrapes"
              + " without one")
  boolean metricsAuth;

  /** How deliveries go out: concurrency, timeouts, retries and the HTTP client. */
  @Mixin DeliverySettings delivery = new DeliverySettings();

  /** --allow-destinations, --deny-destinations and --destination-profile. */
  @Mixin DestinationSettings destinations = new DestinationSettings();

  /** --redis-url and --redis-token: the Redis REST API (docs/redis.md). */
  @Mixin RedisSettings redis = new RedisSettings();

  /** --log-format and --log-level. */
  @Mixin LoggingSettings logging = new LoggingSettings();

  @Option(
      names = "--cron-seconds",
      defaultValue = "false",
      arity = "0..1",
      description =
          "TEST ONLY: also accept 6-field cron with a leading seconds field (fast schedule"
              + " tests); QStash has no such thing")
  boolean cronSeconds;

  /** Where each value came from; the config file's tenants. Set by {@link #parse}. */
  ConfigSources sources = new ConfigSources(null);

  List<ConfigFile.TenantEntry> fileTenants = List.of();

  /** Test mode: a clock tests move, recorded deliveries, {@code /test/} (docs/testing.md). */
  @Mixin TestModeSettings testing = new TestModeSettings();

  /** One setting as the help text and the README's table show it. */
  public record Setting(String flag, String env, String defaultValue, String meaning) {}

  /** Every setting, in the order of the help text. */
  public static final List<Setting> SETTINGS = ConfigOptions.settings();

  private BrokerConfig() {}

  /** The defaults, as with no flag and an empty environment. */
  public static BrokerConfig defaults() {
    return parse(new String[0], Map.of());
  }

  /**
   * Reads flags ({@code --name value} or {@code --name=value}) over environment variables over the
   * config file ({@code --config} or {@code POSTBOX_CONFIG}) over defaults, and validates the
   * result.
   *
   * @throws HelpRequested for {@code --help} or {@code --version}: print {@link #usage()} or {@link
   *     Version#text()}
   * @throws IllegalArgumentException with a message for the user on bad input
   */
  public static BrokerConfig parse(String[] args, Map<String, String> env) {
    BrokerConfig config = new BrokerConfig();
    ConfigSources quick = QuickConfigReader.read(config, args, env);
    if (quick != null) {
      config.sources = quick;
    } else { // help, version, a mistake or a list flag: picocli answers, as it always did
      config = new BrokerConfig();
      config.sources = ConfigCommandLine.read(config, args, env);
    }
    ConfigFile file = config.sources.file();
    config.fileTenants = file == null ? List.of() : file.tenants();
    config.validate();
    return config;
  }

  /** Thrown by {@link #parse} for {@code --help} and {@code --version}. */
  public static final class HelpRequested extends RuntimeException {
    private final boolean version;

    HelpRequested(boolean version) {
      super(version ? "version" : "help", null, false, false);
      this.version = version;
    }

    /** {@code --version} rather than {@code --help}. */
    public boolean version() {
      return version;
    }
  }

  /** The help text: usage, then the settings as a table. */
  public static String usage() {
    return ConfigCommandLine.usage(SETTINGS);
  }

  /** {@code --max-body-size} becomes {@code POSTBOX_MAX_BODY_SIZE}. */
  static String envName(String flag) {
    return ConfigOptions.envName(flag);
  }

  /** Fails fast on settings that cannot work: each problem found, in one message. */
  public void validate() {
    List<String> problems = sources.locate(ConfigChecks.problems(this));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** No --token and no tenants in the config file: the dev server's users. */
  public boolean devMode() {
    return production.token == null && fileTenants.isEmpty();
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String token() {
    return production.token;
  }

  /** The production tenant's settings. */
  public ProductionTenant production() {
    return production;
  }

  public int maxBodyBytes() {
    return (int) maxBodyBytes;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration logRetention() {
    return retention.logRetention;
  }

  public Duration dlqRetention() {
    return retention.dlqRetention;
  }

  public Duration keepEnded() {
    return retention.keepEnded;
  }

  public int maxInFlight() {
    return delivery.maxInFlight;
  }

  public int maxInFlightPerHost() {
    return delivery.maxInFlightPerHost;
  }

  public Duration deliveryTimeout() {
    return delivery.deliveryTimeout;
  }

  public int maxRetries() {
    return delivery.maxRetries;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public String deliverer() {
    return delivery.deliverer;
  }

  public long maxStorageBytes() {
    return maxStorageBytes;
  }

  public Duration dedupWindow() {
    return retention.dedupWindow;
  }

  public int sendThreads() {
    return delivery.sendThreads;
  }

  public Duration deliveryLagLimit() {
    return delivery.deliveryLagLimit;
  }

  public int maxQueues() {
    return maxQueues;
  }

  public int maxSchedules() {
    return maxSchedules;
  }

  public Duration syncWindow() {
    return syncWindow;
  }

  public boolean metricsAuth() {
    return metricsAuth;
  }

  public DestinationPolicy destinations() {
    return destinations.policy();
  }

  /** The Redis the REST API at /redis fronts, or null when it is off. */
  public String redisUrl() {
    return redis.url;
  }

  /** The bearer token of /redis: set, or in dev mode the dev QSTASH_TOKEN; null when off. */
  public String redisToken() {
    return redis.url == null ? null : redis.token(devMode());
  }

  /** The token of /redis is the dev QSTASH_TOKEN (public anyway: the banner may print it). */
  public boolean redisTokenIsDevDefault() {
    return redis.url != null && redis.token == null && devMode();
  }

  public LoggingSettings logging() {
    return logging;
  }

  public boolean cronSeconds() {
    return cronSeconds;
  }

  public TestModeSettings testing() {
    return testing;
  }

  public BrokerConfig withPort(int p) {
    BrokerConfig c = copy();
    c.port = p;
    return c;
  }

  public BrokerConfig withDataDir(Path p) {
    BrokerConfig c = copy();
    c.dataDir = p;
    return c;
  }

  public BrokerConfig withCronSeconds(boolean on) {
    BrokerConfig c = copy();
    c.cronSeconds = on;
    return c;
  }

  private BrokerConfig copy() {
    try {
      return (BrokerConfig) clone(); // every field is immutable: a shallow copy is a copy
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }
}
