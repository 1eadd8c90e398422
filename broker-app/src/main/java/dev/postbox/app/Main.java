package dev.postbox.app;

import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.http.transport.NettyTransport;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/** {@code java -jar postbox.jar [options]}: runs the broker until SIGTERM / Ctrl-C. */
public final class Main {
  private Main() {}

  private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  public static void main(String[] args) throws Exception {
    // Netty's leak detector records a stack trace for a sample of buffers: about 1 % of the
    // server's CPU when publishing flat out. The tests run it at its strictest level; a server
    // runs without it unless -Dio.netty.leakDetection.level asks for it.
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    System.setProperty(MainLogDefaults.IN_MAIN, "true"); // Logback set up in code, not from XML
    // After the properties above: it loads Netty's classes, among others (without running them).
    ClassWarmUp.start();
    // Logback sets itself up (MainLogDefaults) on a thread of its own while this one parses the
    // configuration; LogOutput waits for it (SLF4J answers with stand-ins while it is under way).
    Thread logging = new Thread(LoggerFactory::getILoggerFactory, "postbox-log-setup");
    logging.setDaemon(true);
    logging.start();
    ClassWarmUp.netty(logging);
    BrokerConfig config;
    try {
      config = BrokerConfig.parse(args, System.getenv());
    } catch (BrokerConfig.HelpRequested help) {
      System.out.print(help.version() ? Version.text() + "\n" : BrokerConfig.usage());
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("postbox: " + e.getMessage());
      System.exit(2);
      return;
    }
    logging.join();
    LogOutput.apply(config.logging());
    System.out.print(EffectiveConfig.text(config));
    Broker broker;
    try {
      broker = Broker.start(config);
    } catch (RuntimeException e) { // a port in use, a data dir locked by another server, ...
      System.err.println("postbox: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "postbox-shutdown"));
    System.out.print(banner(config, broker));
    System.out.flush();
    ClassWarmUp.afterStart();
    stopped.await();
  }

  /**
   * What the server prints once it answers: the version, where its data is, the network transport
   * ({@link NettyTransport}: io_uring, epoll or nio), and the environment an app needs. Secrets are
   * printed only in dev mode, whose credentials are public anyway; a production token or signing
   * key never reaches stdout.
   */
  static String banner(BrokerConfig config, Broker broker) {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    StringBuilder sb = new StringBuilder();
    sb.append("Postbox ")
        .append(Version.version())
        .append(" is running")
        .append(config.devMode() ? " in dev mode (the official dev server's users)" : "")
        .append(config.testing().on() ? " with test mode on (/test/, docs/testing.md)" : "")
        .append(" - data in ")
        .append(config.dataDir().toAbsolutePath().normalize())
        .append(" - network I/O: ")
        .append(NettyTransport.current().name().toLowerCase(Locale.ROOT))
        .append('\n')
        .append("Add these to your app's environment:\n")
        .append("QSTASH_URL=http://")
        .append(host)
        .append(':')
        .append(broker.port())
        .append('\n');
    if (config.devMode()) {
      Tenant t = broker.defaultTenant();
      SigningKeys keys = broker.signingKeys(t);
      sb.append("QSTASH_TOKEN=").append(t.token()).append('\n');
      sb.append("QSTASH_CURRENT_SIGNING_KEY=").append(keys.current()).append('\n');
      sb.append("QSTASH_NEXT_SIGNING_KEY=").append(keys.next()).append('\n');
    } else {
      sb.append(
          "QSTASH_TOKEN: the token you set for your tenant (--token / POSTBOX_TOKEN, or tenants:"
              + " in the config file)\n");
      sb.append(
          "QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY: the ones you set, or read the"
              + " stored ones with GET /v2/keys and the token\n");
    }
    if (config.redisUrl() != null) {
      sb.append("UPSTASH_REDIS_REST_URL=http://")
          .append(host)
          .append(':')
          .append(broker.port())
          .append("/redis\n");
      if (config.redisTokenIsDevDefault()) {
        sb.append("UPSTASH_REDIS_REST_TOKEN=").append(config.redisToken()).append('\n');
      } else {
        sb.append("UPSTASH_REDIS_REST_TOKEN: the token you set with --redis-token\n");
      }
    }
    return sb.toString();
  }
}
