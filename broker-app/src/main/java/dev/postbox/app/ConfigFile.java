package dev.postbox.app;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML file ({@code --config}) holding settings by their flag's name without the dashes ({@code
 * port: 8080}, {@code keep-ended: 1m}) and a list of {@code tenants}. It is read as a stream of
 * tokens so that each value keeps its line: an unknown setting, a value that is not a single scalar
 * and a malformed file are refused here, naming the setting and the line; a value of the wrong kind
 * is refused where it is converted, with the line kept here ({@link #line}).
 */
final class ConfigFile {
  /** A setting's text as the file gives it, and the line it is on. */
  record Value(String text, int line) {}

  /** One entry of {@code tenants:}, and the line it starts on. */
  record TenantEntry(
      String id, String token, String currentSigningKey, String nextSigningKey, int line) {}

  private static final String TENANTS = "tenants";
  private static final List<String> TENANT_KEYS =
      List.of("id", "token", "current-signing-key", "next-signing-key");

  private final String name;
  private final Map<String, Value> settings;
  private final List<TenantEntry> tenants;

  private ConfigFile(String name, Map<String, Value> settings, List<TenantEntry> tenants) {
    this.name = name;
    this.settings = settings;
    this.tenants = tenants;
  }

  /** Reads {@code path}, whose settings are all single values. */
  static ConfigFile read(Path path, Set<String> known) {
    return read(path, known, Set.of());
  }

  /**
   * Reads {@code path}.
   *
   * @param known the settings a file may hold (flag names without the dashes)
   * @param lists those of them that may also be a list of values, read as their comma-separated
   *     text ({@code deny-destinations: [10.0.0.0/8, "*.internal"]} is {@code
   *     10.0.0.0/8,*.internal})
   * @throws IllegalArgumentException naming the file, the line and the setting
   */
  static ConfigFile read(Path path, Set<String> known, Set<String> lists) {
    String name = path.toString();
    byte[] yaml;
    try {
      yaml = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config file " + name + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + name + ": " + e);
    }
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      return new Reader(name, p, known, lists).file();
    } catch (JsonProcessingException e) {
      String at = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
      throw new IllegalArgumentException(
          name + at + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + name + ": " + e, e);
    }
  }

  /** The file as it was named ({@code --config} or {@code POSTBOX_CONFIG}). */
  String name() {
    return name;
  }

  /** The setting's text, or null when the file does not set it. */
  Value get(String setting) {
    return settings.get(setting);
  }

  List<TenantEntry> tenants() {
    return tenants;
  }

  /** {@code "postbox.yaml line 3"}, to tell where a refused value came from. */
  String line(int line) {
    return name + " line " + line;
  }

  /** Walks the tokens of one file. */
  private static final class Reader {
    private final String name;
    private final JsonParser p;
    private final Set<String> known;
    private final Set<String> lists;
    private final Map<String, Value> settings = new LinkedHashMap<>();
    private final List<TenantEntry> tenants = new ArrayList<>();

    Reader(String name, JsonParser p, Set<String> known, Set<String> lists) {
      this.name = name;
      this.p = p;
      this.known = known;
      this.lists = lists;
    }

    ConfigFile file() throws IOException {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new ConfigFile(name, Map.of(), List.of()); // an empty file sets nothing
      }
      if (t != JsonToken.START_OBJECT) {
        throw refused(line(), "the file must be a map of settings (like port: 8080)");
      }
      int tenantsLine = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int line = line();
        Value earlier = settings.get(key);
        if (earlier != null || (key.equals(TENANTS) && tenantsLine > 0)) {
          int first = earlier != null ? earlier.line() : tenantsLine;
          throw refused(line, key + " is set twice (first on line " + first + ")");
        }
        if (key.equals(TENANTS)) {
          tenantsLine = line;
          readTenants();
        } else if (known.contains(key)) {
          settings.put(key, new Value(lists.contains(key) ? list(key) : scalar(key), line));
        } else {
          throw refused(line, "unknown setting " + key + hint(key, known));
        }
      }
      if (p.nextToken() != null) {
        throw refused(line(), "only one YAML document is read: remove this one (or the ---)");
      }
      return new ConfigFile(name, Map.copyOf(settings), List.copyOf(tenants));
    }

    private void readTenants() throws IOException {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        return; // "tenants:" with nothing under it
      }
      if (t != JsonToken.START_ARRAY) {
        throw refused(line(), "tenants must be a list (each entry starting with - id: ...)");
      }
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        int line = line();
        String where = "tenants[" + tenants.size() + "]";
        if (t != JsonToken.START_OBJECT) {
          throw refused(line, where + " must be a map with id, token and optional signing keys");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          if (!TENANT_KEYS.contains(key)) {
            throw refused(line(), "unknown tenant setting " + key + hint(key, TENANT_KEYS));
          }
          if (fields.containsKey(key)) {
            throw refused(line(), where + "." + key + " is set twice");
          }
          fields.put(key, scalar(where + "." + key));
        }
        tenants.add(
            new TenantEntry(
                fields.get("id"),
                fields.get("token"),
                fields.get("current-signing-key"),
                fields.get("next-signing-key"),
                line));
      }
    }

    /** The next value, a scalar or a list of scalars, as comma-separated text. */
    private String list(String key) throws IOException {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_ARRAY) {
        return scalar(key, t);
      }
      List<String> items = new ArrayList<>();
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        items.add(scalar(key + "[" + items.size() + "]", t));
      }
      return String.join(",", items);
    }

    /** The next token as text: a string, a number or a boolean. */
    private String scalar(String key) throws IOException {
      return scalar(key, p.nextToken());
    }

    private String scalar(String key, JsonToken t) throws IOException {
      if (t == JsonToken.VALUE_NULL) {
        throw refused(line(), key + " has no value");
      }
      if (!t.isScalarValue()) {
        throw refused(line(), key + " must be a single value, not a list or a map");
      }
      return p.getText();
    }

    private int line() {
      return p.currentTokenLocation().getLineNr();
    }

    private IllegalArgumentException refused(int line, String why) {
      return new IllegalArgumentException(name + " line " + line + ": " + why);
    }

    private static String hint(String key, Collection<String> names) {
      return NearestName.of(key, names).map(n -> " (did you mean " + n + "?)").orElse("");
    }
  }
}
