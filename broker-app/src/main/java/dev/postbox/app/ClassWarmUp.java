package dev.postbox.app;

import dev.postbox.http.api.Json;
import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.transport.NettyTransport;
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

  /**
   * {@code -Dpostbox.classWarmUp=false} turns both warm-ups off: to record what a start loads by
   * itself.
   */
  static final String SWITCH = "postbox.classWarmUp";

  private ClassWarmUp() {}

  /** Starts the loading on a daemon thread and returns at once; null when switched off. */
  static Thread start() {
    if (off()) {
      return null;
    }
    Thread t = new Thread(ClassWarmUp::run, "postbox-warm-up");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Once {@code logging} (the thread setting up Logback) is done, sets Netty up on a daemon thread
   * (its platform probes, its logger, the transport's native library), which the bind would
   * otherwise do on the main thread. It waits for the log because Netty logs while it sets up: done
   * during SLF4J's own set-up, those lines would be replayed with a warning on stderr.
   */
  static void netty(Thread logging) {
    if (off()) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                logging.join();
              } catch (InterruptedException e) {
                return;
              }
              NettyTransport.current();
            },
            "postbox-warm-up-netty");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Once the server is ready, makes Jackson's mappers and has them write and read a document on a
   * daemon thread, so that the first API call does not wait for Jackson's classes to load: a start
   * no longer needs Jackson before {@code /ready} answers (docs/benchmarks.md#startup).
   */
  static void afterStart() {
    if (off()) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              Json.response(200, Json.object().put("warm", true));
              Json.parse("{\"warm\":[1,\"x\"]}".getBytes(StandardCharsets.UTF_8), "warm-up");
              ErrorResponses.of(503, "warm-up");
            },
            "postbox-warm-up-json");
    t.setDaemon(true);
    t.start();
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

  private static boolean off() {
    return "false".equals(System.getProperty(SWITCH));
  }
}
