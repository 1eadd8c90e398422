package dev.postbox.core.schedule;

/** Identifies a schedule: its tenant and id. */
public record ScheduleRef(String tenant, String id) {}
