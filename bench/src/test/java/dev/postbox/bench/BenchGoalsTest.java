package dev.postbox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchGoalsTest {
  @Test
  void aPartialRunJudgesOnlyWhatItMeasured() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("startup_jar_to_ready_ms", 812.0);
    figures.put("startup_in_process_ms", 340.0);
    Map<String, Object> goals = new BenchGoals(figures).judge();

    assertEquals(true, goals.get("startup_jar_to_ready_ms <= 1000"));
    assertEquals(false, goals.get("startup_in_process_ms <= 300"));
    assertEquals("not measured", goals.get("publish_rps >= 20000"));
    assertEquals("not measured", goals.get("queues: every message delivered, in order"));
  }

  @Test
  void aGoalMissingSomeOfItsFiguresIsNotMet() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("schedule_ticks_fired", 100);
    figures.put("schedule_ticks_expected", 100);
    figures.put("schedule_ticks_received", 100);
    Map<String, Object> goals = new BenchGoals(figures).judge();

    assertEquals(false, goals.get("schedule ticks: every one fired once and received"));
  }

  @Test
  void aBaselineAloneDoesNotCountAsMeasuringAGoal() {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("baseline_http_rps", 90_000.0);
    Map<String, Object> goals = new BenchGoals(figures).judge();

    assertEquals("not measured", goals.get("publish_rps >= 0.5 x baseline_http_rps"));
  }
}
