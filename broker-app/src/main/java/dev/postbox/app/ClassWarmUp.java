package dev.postbox.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Loads, on a thread of its own, the classes a start of the jar needs after its configuration and
 * logging (Netty, Jackson, Micrometer, RocksDB's and Quartz's classes, the broker's own), while the
 * main thread parses the configuration and sets up the log: on two cores this takes about a third
 * off {@code java -jar} to ready (docs/benchmarks.md#startup). Classes are loaded, not initialized,
 * so no static initializer runs out of its usual order; a name that is gone (the list is older than
 * the code) is skipped. How to regenerate the list, {@code startup-classes.txt}: see
 * docs/benchmarks.md#startup. It logs nothing, so that Logback is still set up by the main thread.
 */
final class ClassWarmUp {
  static final String LIST = "startup-classes.txt";

  private ClassWarmUp() {}

  /** Starts the loading on a daemon thread and returns at once. */
  static Thread start() {
    Thread t = new Thread(ClassWarmUp::run, "postbox-warm-up");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Loads every class of the list it can; returns how many it found. */
  static int run() {
    ClassLoader loader = ClassWarmUp.class.getClassLoader();
    int found = 0;
    try (InputStream in = ClassWarmUp.class.getResourceAsStream(LIST)) {
      if (in == null) {
        return 0;
      }
      BufferedReader names = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String name; (name = names.readLine()) != null; ) {
        try {
          Class.forName(name.strip(), false, loader);
          found++;
        } catch (ClassNotFoundException | LinkageError skipped) {
          // a class this build no longer has, or one that needs what is not there: not a start's
        }
      }
    } catch (IOException e) {
      // only a head start lost: every class still loads when it is first used
    }
    return found;
  }
}
