package dev.postbox.app;

import dev.postbox.core.queue.QueueService;
import dev.postbox.core.schedule.ScheduleService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Server configuration. Each setting is defined once, as an annotated field below: its flag, its
 * default and its meaning; its type (with {@link SettingConverters}) is its parser, and its
 * environment variable is the flag's name in upper case after {@code POSTBOX_} ({@code
 * --max-body-size} is {@code POSTBOX_MAX_BODY_SIZE}). A flag wins over the environment, which wins
 * over the default. The help text and {@link #SETTINGS} (the README's configuration table) are
 * rendered from these fields.
 */
@Command(
    name = "postbox",
    mixinStandardHelpOptions = true,
    versionProvider = Version.Provider.class,
    sortOptions = false)
public final class BrokerConfig implements Cloneable {
  private static final String ENV_PREFIX = "POSTBOX_";

  /** A window longer than this would only add latency: each publish waits for its sync. */
  static final Duration MAX_SYNC_WINDOW = Duration.ofMillis(100);

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on")
  private String host;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "port to listen on (0 = any free port)")
  private int port;

  @Option(
      names = "--data-dir",
      defaultValue = "./postbox-data",
      description = "RocksDB data directory")
  private Path dataDir;

  @Option(
      names = "--token",
      description =
          "production token; setting it turns the four dev-server users off (unset: dev mode)")
  private String token;

  @Option(
      names = "--current-signing-key",
      description =
          "signing key of the production tenant, at least 32 characters (unset: generated once,"
              + " stored)")
  private String currentSigningKey;

  @Option(
      names = "--next-signing-key",
      description = "next signing key of the production tenant (unset: generated once, stored)")
  private String nextSigningKey;

  @Option(
      names = "--max-body-size",
      defaultValue = "10485760",
      converter = SettingConverters.ByteSize.class,
      description = "largest request body, bytes or with k/m/g (413 beyond)")
  private long maxBodyBytes;

  @Option(
      names = "--request-timeout",
      defaultValue = "60s",
      description =
          "how long a request may take to arrive once its head is in (408 beyond; 0: no limit)")
  private Duration requestTimeout;

  @Option(
      names = "--idle-timeout",
      defaultValue = "60s",
      description = "a connection with no request for this long is closed (0: never)")
  private Duration idleTimeout;

  @Option(names = "--log-retention", defaultValue = "7d", description = "how long logs are kept")
  private Duration logRetention;

  @Option(
      names = "--dlq-retention",
      defaultValue = "7d",
      description = "how long DLQ entries are kept")
  private Duration dlqRetention;

  @Option(
      names = "--keep-ended",
      defaultValue = "1m",
      description =
          "how long GET /v2/messages/{id} still answers a message that was delivered, failed or"
              + " cancelled (0: 404 at once)")
  private Duration keepEnded;

  @Option(
      names = "--max-in-flight",
      defaultValue = "1000",
      description = "concurrent deliveries, all destinations")
  private int maxInFlight;

  @Option(
      names = "--max-in-flight-per-host",
      defaultValue = "200",
      description = "concurrent deliveries to one destination host")
  private int maxInFlightPerHost;

  @Option(
      names = "--delivery-timeout",
      defaultValue = "2h",
      description = "default and maximum per-attempt timeout (Upstash-Timeout can only shorten it)")
  private Duration deliveryTimeout;

  @Option(
      names = "--max-retries",
      defaultValue = "20",
      description = "largest accepted Upstash-Retries")
  private int maxRetries;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "10s",
      description =
          "on SIGTERM, how long in-flight deliveries may finish before they are re-queued")
  private Duration shutdownGrace;

  @Option(
      names = "--deliverer",
      defaultValue = "netty",
      description =
          "outbound HTTP client: netty (pooled keep-alive, default) or jdk (java.net.http)")
  private String deliverer;

  @Option(
      names = "--max-storage",
      defaultValue = "0",
      converter = SettingConverters.ByteSize.class,
      description =
          "storage quota, bytes or with k/m/g, 0 for none; beyond it publishes get 507 until"
              + " space frees")
  private long maxStorageBytes;

  @Option(
      names = "--dedup-window",
      defaultValue = "10m",
      description = "how long a deduplication id (or content hash) suppresses repeats")
  private Duration dedupWindow;

  @Option(
      names = "--send-threads",
      defaultValue = "1",
      description =
          "threads that sign and send deliveries beside the dispatcher (0: the dispatcher itself)")
  private int sendThreads;

  @Option(
      names = "--delivery-lag-limit",
      defaultValue = "20ms",
      description =
          "when the delivery client falls further behind, hosts get at most 16 deliveries in"
              + " flight for a second (fewer repeats after a crash; 0: never)")
  private Duration deliveryLagLimit;

  @Option(
      names = "--max-queues",
      defaultValue = "" + QueueService.DEFAULT_MAX_QUEUES,
      description = "queues per tenant (creating one more, or enqueueing into a new one, is a 412)")
  private int maxQueues;

  @Option(
      names = "--max-schedules",
      defaultValue = "" + ScheduleService.DEFAULT_MAX_SCHEDULES,
      description = "schedules per tenant (creating one more is a 412; replacing one is not)")
  private int maxSchedules;

  @Option(
      names = "--sync-window",
      defaultValue = "1ms",
      description =
          "under load, WAL syncs (which acknowledge publishes) start at most this often, or when"
              + " 16 publishes wait; an idle server syncs at once (0: back to back; at most 100ms)")
  private Duration syncWindow;

  @Option(
      names = "--cron-seconds",
      defaultValue = "false",
      arity = "0..1",
      description =
          "TEST ONLY: also accept 6-field cron with a leading seconds field (fast schedule"
              + " tests); QStash has no such thing")
  private boolean cronSeconds;

  /** One setting as the help text and the README's table show it. */
  public record Setting(String flag, String env, String defaultValue, String meaning) {}

  /** Every setting, in the order of the help text. */
  public static final List<Setting> SETTINGS = settings();

  private BrokerConfig() {}

  /** The defaults, as with no flag and an empty environment. */
  public static BrokerConfig defaults() {
    return parse(new String[0], Map.of());
  }

  /**
   * Reads flags ({@code --name value} or {@code --name=value}) over environment variables over
   * defaults, and validates the result.
   *
   * @throws HelpRequested for {@code --help} or {@code --version}: print {@link #usage()} or {@link
   *     Version#text()}
   * @throws IllegalArgumentException with a message for the user on bad input
   */
  public static BrokerConfig parse(String[] args, Map<String, String> env) {
    BrokerConfig config = new BrokerConfig();
    CommandLine cli = commandLine(config, env);
    CommandLine.ParseResult result;
    try {
      result = cli.parseArgs(args);
    } catch (CommandLine.UnmatchedArgumentException e) {
      throw new IllegalArgumentException(unknownOption(e), e);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (result.isUsageHelpRequested()) {
      throw new HelpRequested(false);
    }
    if (result.isVersionHelpRequested()) {
      throw new HelpRequested(true);
    }
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

  private static CommandLine commandLine(BrokerConfig config, Map<String, String> env) {
    CommandLine cli = SettingConverters.register(new CommandLine(config));
    cli.setDefaultValueProvider(
        arg -> {
          if (arg instanceof OptionSpec o && !o.usageHelp() && !o.versionHelp()) {
            String v = env.get(envName(o.longestName()));
            return v == null || v.isBlank() ? o.defaultValue() : v.trim();
          }
          return null;
        });
    return cli;
  }

  private static String unknownOption(CommandLine.UnmatchedArgumentException e) {
    List<String> unmatched = e.getUnmatched();
    String arg = unmatched.isEmpty() ? "?" : unmatched.get(0);
    int eq = arg.indexOf('=');
    String name = eq > 0 ? arg.substring(0, eq) : arg;
    if (!name.startsWith("-")) {
      return "unexpected argument " + name + " (options start with --; see --help)";
    }
    List<String> flags = new ArrayList<>();
    for (OptionSpec o : e.getCommandLine().getCommandSpec().options()) {
      flags.add(o.longestName());
    }
    return "unknown option "
        + name
        + NearestName.of(name, flags)
            .map(n -> " (did you mean " + n + "?)")
            .orElse(" (see --help)");
  }

  /** {@code --max-body-size} becomes {@code POSTBOX_MAX_BODY_SIZE}. */
  static String envName(String flag) {
    return ENV_PREFIX + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static List<Setting> settings() {
    List<Setting> out = new ArrayList<>();
    for (OptionSpec o : new CommandLine(new BrokerConfig()).getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      String flag = o.longestName();
      String d = o.defaultValue();
      out.add(
          new Setting(
              flag, envName(flag), d == null ? "(unset)" : d, String.join(" ", o.description())));
    }
    return List.copyOf(out);
  }

  /** The help text: usage, then the settings as a table. */
  public static String usage() {
    StringBuilder sb =
        new StringBuilder("Usage: java -jar postbox.jar [options]\n\n")
            .append("Options (flag, environment variable, default):\n");
    for (Setting s : SETTINGS) {
      sb.append(
          String.format(
              "  %-26s %-30s %-16s %s%n", s.flag(), s.env(), s.defaultValue(), s.meaning()));
    }
    sb.append(String.format("  %-26s %s%n", "-h, --help", "show this help and exit"))
        .append(String.format("  %-26s %s%n", "-V, --version", "print the version and exit"));
    return sb.toString();
  }

  /** Fails fast on settings that cannot work. */
  public void validate() {
    List<String> problems = new ArrayList<>();
    if (port < 0 || port > 65535) {
      problems.add("--port must be 0..65535");
    }
    if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE) {
      problems.add("--max-body-size must be 1.." + Integer.MAX_VALUE);
    }
    if (maxInFlight < 1 || maxInFlightPerHost < 1) {
      problems.add("--max-in-flight and --max-in-flight-per-host must be positive");
    }
    if (requestTimeout.isNegative() || idleTimeout.isNegative()) {
      problems.add("--request-timeout and --idle-timeout must not be negative");
    }
    if (keepEnded.isNegative()) {
      problems.add("--keep-ended must not be negative");
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

  public boolean devMode() {
    return token == null;
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
    return token;
  }

  public String currentSigningKey() {
    return currentSigningKey;
  }

  public String nextSigningKey() {
    return nextSigningKey;
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
    return logRetention;
  }

  public Duration dlqRetention() {
    return dlqRetention;
  }

  public Duration keepEnded() {
    return keepEnded;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public int maxInFlightPerHost() {
    return maxInFlightPerHost;
  }

  public Duration deliveryTimeout() {
    return deliveryTimeout;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public String deliverer() {
    return deliverer;
  }

  public long maxStorageBytes() {
    return maxStorageBytes;
  }

  public Duration dedupWindow() {
    return dedupWindow;
  }

  public int sendThreads() {
    return sendThreads;
  }

  public Duration deliveryLagLimit() {
    return deliveryLagLimit;
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

  public boolean cronSeconds() {
    return cronSeconds;
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
