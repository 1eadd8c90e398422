package dev.postbox.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code machine} entry of {@code latest.json}: cores, Java, CPU model, memory, when. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("java", System.getProperty("java.version"));
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          m.put(
              "memory_gb",
              Math.round(Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0 / 1024.0));
          break;
        }
      }
    } catch (IOException e) {
      m.put("note", "no /proc");
    }
    m.put("when", Instant.now().toString());
    return m;
  }
}
