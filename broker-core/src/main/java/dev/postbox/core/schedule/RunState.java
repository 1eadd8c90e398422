package dev.postbox.core.schedule;

/**
 * How a message produced by the last tick stands ({@code lastScheduleStates},
 * docs/api.md#schedules).
 */
public enum RunState {
  IN_PROGRESS,
  SUCCESS,
  FAIL
}
