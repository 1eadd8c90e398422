package dev.postbox.core.schedule;

/** Port: turns a parsed cron expression into something that computes fire times. */
@FunctionalInterface
public interface CronCompiler {
  Cron compile(CronSpec spec);
}
