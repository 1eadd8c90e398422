package dev.postbox.core.schedule;

/** How a message produced by the last tick stands ({@code lastScheduleStates}, §10.4). */
public enum RunState {
  IN_PROGRESS,
  SUCCESS,
  FAIL
}
