package dev.postbox.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The goals of {@code bench/run}, judged on its figures, and the markdown table it prints. A goal
 * none of whose figures were measured (a partial run such as {@code --startup-only}) reads "not
 * measured"; one with some of them missing is not met.
 */
final class BenchGoals {
  private final Map<String, Object> r;

  BenchGoals(Map<String, Object> figures) {
    this.r = figures;
  }

  Map<String, Object> judge() {
    Map<String, Object> g = new LinkedHashMap<>();
    double http = num("baseline_http_rps");
    double recv = num("baseline_receiver_rps");
    goal(
        g,
        "publish_rps >= 0.5 x baseline_http_rps",
        num("publish_rps") >= 0.5 * http,
        "publish_rps");
    goal(g, "publish_rps >= 20000", num("publish_rps") >= 20_000, "publish_rps");
    goal(
        g,
        "deliver_rps >= 0.33 x baseline_receiver_rps",
        num("deliver_rps") >= 0.33 * recv,
        "deliver_rps");
    goal(g, "deliver_rps >= 10000", num("deliver_rps") >= 10_000, "deliver_rps");
    goal(
        g,
        "deliver_ceiling_rps >= 0.33 x baseline_receiver_rps (a backlog drained)",
        num("deliver_ceiling_rps") >= 0.33 * recv,
        "deliver_ceiling_rps");
    goal(
        g,
        "publish_p99_ms <= 5 at 5000/s",
        num("publish_p99_ms_at_5000") <= 5,
        "publish_p99_ms_at_5000");
    goal(g, "deliver_p50_ms <= 2", num("deliver_p50_ms") <= 2, "deliver_p50_ms");
    goal(g, "delay_error_p99_ms <= 20", num("delay_error_p99_ms") <= 20, "delay_error_p99_ms");
    goal(g, "pending_heap_mb <= 256", num("pending_heap_mb") <= 256, "pending_heap_mb");
    goal(g, "startup_ms <= 2000", num("startup_ms") <= 2000, "startup_ms");
    goal(
        g,
        "startup_jar_to_ready_ms <= 1000",
        num("startup_jar_to_ready_ms") <= 1000,
        "startup_jar_to_ready_ms");
    goal(
        g,
        "startup_in_process_ms <= 300",
        num("startup_in_process_ms") <= 300,
        "startup_in_process_ms");
    goal(
        g,
        "schedule ticks: every one fired once and received",
        num("schedule_ticks_fired") == num("schedule_ticks_expected")
            && num("schedule_ticks_received") >= num("schedule_ticks_expected")
            && num("schedule_burst_ticks_fired") == num("schedule_burst_ticks_expected"),
        "schedule_ticks_fired",
        "schedule_ticks_expected",
        "schedule_ticks_received",
        "schedule_burst_ticks_fired",
        "schedule_burst_ticks_expected");
    goal(
        g,
        "schedule_fire_error_p99_ms <= 1000",
        num("schedule_fire_error_p99_ms") <= 1000,
        "schedule_fire_error_p99_ms");
    goal(
        g,
        "schedule_burst_fire_error_p99_ms <= 1000",
        num("schedule_burst_fire_error_p99_ms") <= 1000,
        "schedule_burst_fire_error_p99_ms");
    goal(
        g,
        "queues: every message delivered, in order",
        num("queue_fifo_delivered") == num("queue_fifo_messages")
            && num("queue_fifo_out_of_order") == 0
            && num("queue_par10_delivered") == num("queue_par10_messages")
            && num("queue_par10_out_of_order") == 0,
        "queue_fifo_delivered",
        "queue_fifo_messages",
        "queue_fifo_out_of_order",
        "queue_par10_delivered",
        "queue_par10_messages",
        "queue_par10_out_of_order");
    goal(
        g,
        "flow control: never more arrivals in 900 ms than the rate per second",
        num("flow_rate_delivered") == num("flow_rate_messages")
            && num("flow_rate_peak_in_any_900ms") <= num("flow_rate_limit_per_s"),
        "flow_rate_delivered",
        "flow_rate_messages",
        "flow_rate_peak_in_any_900ms",
        "flow_rate_limit_per_s");
    goal(
        g,
        "workflow step costs at most 2 plain messages (ratio >= 0.5)",
        num("workflow_step_ratio_to_plain") >= 0.5,
        "workflow_step_ratio_to_plain");
    goal(
        g,
        "workflow 500-step run: bytes per step flat (last/first window <= 1.5)",
        num("workflow_long_bytes_per_step_last_over_first") <= 1.5,
        "workflow_long_bytes_per_step_last_over_first");
    goal(
        g,
        "workflow 500-step run: heap bounded (last - first window <= 32 MiB)",
        num("workflow_long_heap_mb_last") - num("workflow_long_heap_mb_first") <= 32,
        "workflow_long_heap_mb_last",
        "workflow_long_heap_mb_first");
    return g;
  }

  /**
   * Puts {@code met} under {@code name}, or "not measured" when none of {@code figures} (the goal's
   * own figures, not its baselines) is in the run.
   */
  private void goal(Map<String, Object> g, String name, boolean met, String... figures) {
    for (String f : figures) {
      if (r.containsKey(f)) {
        g.put(name, met);
        return;
      }
    }
    g.put(name, "not measured");
  }

  /** The figures, the goals and the ratios to the baselines, as markdown tables. */
  String markdown() {
    StringBuilder sb = new StringBuilder("\n| figure | value |\n|---|---|\n");
    r.forEach(
        (k, v) -> {
          if (!(v instanceof Map)) {
            sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
          }
        });
    sb.append("\n| goal | met |\n|---|---|\n");
    judge().forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    sb.append("\nratios: publish/baseline_http = ")
        .append(Stats.round(num("publish_rps") / num("baseline_http_rps")))
        .append(", deliver/baseline_receiver = ")
        .append(Stats.round(num("deliver_rps") / num("baseline_receiver_rps")))
        .append(", publish_p99_at_5000 - baseline_p99_at_5000 (the generator on this machine) = ")
        .append(Stats.round(num("publish_p99_ms_at_5000") - num("baseline_p99_ms_at_5000")))
        .append(" ms, startup_jar_to_ready - baseline_empty_jvm = ")
        .append(Stats.round(num("startup_jar_to_ready_ms") - num("baseline_empty_jvm_ms")))
        .append(" ms\n");
    return sb.toString();
  }

  private double num(String key) {
    Object v = r.get(key);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }
}
