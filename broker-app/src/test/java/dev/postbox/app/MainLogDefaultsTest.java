package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MainLogDefaultsTest {
  @AfterEach
  void clear() {
    System.clearProperty(MainLogDefaults.IN_MAIN);
  }

  @Test
  void inMainTheXmlsSettingsAreMadeInCode() {
    System.setProperty(MainLogDefaults.IN_MAIN, "true");
    LoggerContext context = new LoggerContext();
    assertEquals(
        ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new MainLogDefaults().configure(context));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("console");
    assertNotNull(console);
    assertEquals("System.err", console.getTarget());
    assertEquals(Level.WARN, context.getLogger("org.quartz").getLevel());
  }

  @Test
  void elsewhereLogbackReadsItsFilesAsUsual() {
    LoggerContext context = new LoggerContext();
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new MainLogDefaults().configure(context));
    assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
  }
}
