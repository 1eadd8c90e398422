package dev.postbox.it;

import dev.postbox.app.Broker;
import dev.postbox.app.BrokerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A broker in the test's JVM on a free port, configured by flags as its command line would be. */
final class InProcessBroker {
  private InProcessBroker() {}

  static Broker start(Path dataDir, String... flags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--data-dir", dataDir.toString()));
    args.addAll(List.of(flags));
    return Broker.start(BrokerConfig.parse(args.toArray(String[]::new), Map.of()));
  }
}
