package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClassWarmUpTest {
  @Test
  void theListNamesClassesThisBuildHas() throws IOException {
    long names;
    try (InputStream in = ClassWarmUp.class.getResourceAsStream(ClassWarmUp.LIST)) {
      names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().count();
    }
    int found = ClassWarmUp.run();
    // A list gone stale (renamed classes, a library upgraded) still works but helps less:
    // regenerate it as docs/benchmarks.md#startup says when this fails.
    assertTrue(found >= names * 0.9, found + " of " + names + " names found");
  }

  @Test
  void startsADaemonThreadThatEnds() throws InterruptedException {
    Thread t = ClassWarmUp.start();
    assertTrue(t.isDaemon());
    t.join(60_000);
    assertEquals(Thread.State.TERMINATED, t.getState());
  }

  @Test
  void theSwitchTurnsItOffToRecordWhatAStartLoadsByItself() {
    System.setProperty(ClassWarmUp.SWITCH, "false");
    try {
      assertNull(ClassWarmUp.start());
    } finally {
      System.clearProperty(ClassWarmUp.SWITCH);
    }
  }

  @Test
  void theListHasNoJacksonMapperAStartNoLongerNeedsIt() throws IOException {
    try (InputStream in = ClassWarmUp.class.getResourceAsStream(ClassWarmUp.LIST)) {
      String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertFalse(list.contains("com.fasterxml.jackson.databind.ObjectMapper\n"), "ObjectMapper");
    }
  }
}
