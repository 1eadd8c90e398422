package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OperationsTest {
  @Test
  void theFirstScrapeHasTheJvmMetricsBoundInTheBackground() {
    try (Operations ops = new Operations()) {
      String text = ops.scrape();
      for (String name :
          new String[] {
            "jvm_memory_used_bytes",
            "jvm_gc_",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "system_cpu_count",
            "process_uptime_seconds",
            "process_files_open_files"
          }) {
        assertTrue(text.contains(name), name + " missing from:\n" + text);
      }
    }
  }

  @Test
  void closingBeforeTheBindersRanLeavesNothingBound() {
    Operations ops = new Operations();
    ops.close(); // may win the race with the binders' thread: either way nothing throws
    ops.scrape();
  }
}
