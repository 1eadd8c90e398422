package dev.postbox.app;

import picocli.CommandLine.Option;

/** Whether the server runs as a test harness (docs/testing.md). */
public final class TestModeSettings {
  @Option(
      names = "--test-mode",
      defaultValue = "false",
      arity = "0..1",
      description =
          "TEST ONLY: a clock tests move forward, recorded deliveries, flush and reset under"
              + " /test/ (docs/testing.md); off, every /test/ path answers 404")
  boolean on;

  public boolean on() {
    return on;
  }
}
