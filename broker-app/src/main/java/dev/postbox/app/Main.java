package dev.postbox.app;

import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import java.util.concurrent.CountDownLatch;

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
    BrokerConfig config;
    try {
      config = BrokerConfig.parse(args, System.getenv());
    } catch (BrokerConfig.HelpRequested help) {
      System.out.println("Usage: java -jar postbox.jar [options]\n\n" + BrokerConfig.describe());
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("postbox: " + e.getMessage());
      System.exit(2);
      return;
    }
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
    Tenant t = broker.defaultTenant();
    SigningKeys keys = broker.signingKeys(t);
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    System.out.println(
        "Postbox is running "
            + (config.devMode() ? "in dev mode (the official dev server's users)" : "")
            + " - data in "
            + config.dataDir().toAbsolutePath().normalize());
    System.out.println("Add these to your app's environment:");
    System.out.println("QSTASH_URL=http://" + host + ":" + broker.port());
    System.out.println("QSTASH_TOKEN=" + t.token());
    System.out.println("QSTASH_CURRENT_SIGNING_KEY=" + keys.current());
    System.out.println("QSTASH_NEXT_SIGNING_KEY=" + keys.next());
    System.out.flush();
    stopped.await();
  }
}
