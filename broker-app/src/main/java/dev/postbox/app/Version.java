package dev.postbox.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version the build stamped into {@code version.properties}. */
public final class Version {
  private Version() {}

  private static final String VERSION = load();

  /** The version, as {@code --version} prints it and the start-up banner shows it. */
  public static String version() {
    return VERSION;
  }

  /** What {@code --version} prints. */
  public static String text() {
    return "Postbox " + VERSION;
  }

  private static String load() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  /** Lets picocli answer {@code --version}. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {text()};
    }
  }
}
