package dev.postbox.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The goals of {@code bench/run}, judged on its figures, and the markdown table it prints. A goal
 * whose figures are missing (a partial run) is not met.
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
    g.put("publish_rps >= 0.5 x baseline_http_rps", num("publish_rps") >= 0.5 * http);
    g.put("publish_rps >= 20000", num("publish_rps") >= 20_000);
    g.put("deliver_rps >= 0.33 x baseline_receiver_rps", num("deliver_rps") >= 0.33 * recv);
    g.put("deliver_rps >= 10000", num("deliver_rps") >= 10_000);
    g.put(
        "deliver_ceiling_rps >= 0.33 x baseline_receiver_rps (a backlog drained)",
        num("deliver_ceiling_rps") >= 0.33 * recv);
    g.put("publish_p99_ms <= 5 at 5000/s", num("publish_p99_ms_at_5000") <= 5);
    g.put("deliver_p50_ms <= 2", num("deliver_p50_ms") <= 2);
    g.put("delay_error_p99_ms <= 20", num("delay_error_p99_ms") <= 20);
    g.put("pending_heap_mb <= 256", num("pending_heap_mb") <= 256);
    g.put("startup_ms <= 2000", num("startup_ms") <= 2000);
    g.put("startup_jar_to_ready_ms <= 1000", num("startup_jar_to_ready_ms") <= 1000);
    g.put("startup_in_process_ms <= 300", num("startup_in_process_ms") <= 300);
    g.put(
        "schedule ticks: every one fired once and received",
        num("schedule_ticks_fired") == num("schedule_ticks_expected")
            && num("schedule_ticks_received") >= num("schedule_ticks_expected")
            && num("schedule_burst_ticks_fired") == num("schedule_burst_ticks_expected"));
    g.put("schedule_fire_error_p99_ms <= 1000", num("schedule_fire_error_p99_ms") <= 1000);
    g.put(
        "schedule_burst_fire_error_p99_ms <= 1000",
        num("schedule_burst_fire_error_p99_ms") <= 1000);
    g.put(
        "queues: every message delivered, in order",
        num("queue_fifo_delivered") == num("queue_fifo_messages")
            && num("queue_fifo_out_of_order") == 0
            && num("queue_par10_delivered") == num("queue_par10_messages")
            && num("queue_par10_out_of_order") == 0);
    g.put(
        "flow control: never more arrivals in 900 ms than the rate per second",
        num("flow_rate_delivered") == num("flow_rate_messages")
            && num("flow_rate_peak_in_any_900ms") <= num("flow_rate_limit_per_s"));
    g.put(
        "workflow step costs at most 2 plain messages (ratio >= 0.5)",
        num("workflow_step_ratio_to_plain") >= 0.5);
    g.put(
        "workflow 500-step run: bytes per step flat (last/first window <= 1.5)",
        num("workflow_long_bytes_per_step_last_over_first") <= 1.5);
    g.put(
        "workflow 500-step run: heap bounded (last - first window <= 32 MiB)",
        num("workflow_long_heap_mb_last") - num("workflow_long_heap_mb_first") <= 32);
    return g;
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
