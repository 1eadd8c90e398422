package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.app.Broker;
import dev.postbox.app.BrokerConfig;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.tenant.SigningKeys;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the official {@code @upstash/qstash} SDK test suite (integration-tests/sdk, node's test
 * runner) against a real broker. Needs {@code npm ci} in integration-tests/sdk first (the README's
 * test command does it).
 */
class SdkConformanceIT {
  /** The suite has this many tests today; fewer passing means tests went missing. */
  private static final int MIN_SDK_TESTS = 46;

  @TempDir Path dataDir;

  @Test
  void officialSdkSuitePasses() throws Exception {
    Path sdkDir = Path.of(System.getProperty("postbox.sdkDir", "sdk")).toAbsolutePath();
    assertTrue(
        Files.isDirectory(sdkDir.resolve("node_modules/@upstash/qstash")),
        "run `npm ci --prefix integration-tests/sdk` first (missing " + sdkDir + "/node_modules)");
    try (Broker broker =
        Broker.start(
            BrokerConfig.defaults().withPort(0).withDataDir(dataDir).withCronSeconds(true))) {
      SigningKeys keys = broker.signingKeys(DevTenants.DEFAULT_USER);
      ProcessBuilder pb =
          new ProcessBuilder("node", "--test", "--test-concurrency=1", "test/")
              .directory(sdkDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(new File(sdkDir.toFile(), "sdk-test-output.log"));
      pb.environment().put("QSTASH_URL", "http://127.0.0.1:" + broker.port());
      pb.environment().put("QSTASH_TOKEN", DevTenants.DEFAULT_USER.token());
      pb.environment().put("QSTASH_CURRENT_SIGNING_KEY", keys.current());
      pb.environment().put("QSTASH_NEXT_SIGNING_KEY", keys.next());
      pb.environment().remove("QSTASH_DEV");
      Process p = pb.start();
      boolean done = p.waitFor(5, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
      }
      String output = Files.readString(sdkDir.resolve("sdk-test-output.log"));
      System.out.println(output);
      assertTrue(done, "SDK suite timed out");
      assertEquals(0, p.exitValue(), "SDK suite failed:\n" + output);
      Matcher pass = Pattern.compile("(?m)^# pass (\\d+)$").matcher(output);
      assertTrue(pass.find(), "no test summary in the SDK suite output");
      assertTrue(
          Integer.parseInt(pass.group(1)) >= MIN_SDK_TESTS,
          "too few SDK tests ran: " + pass.group(1));
      assertTrue(output.contains("# fail 0"), "SDK tests failed");
    }
  }
}
