package dev.postbox.core.workflow;

import dev.postbox.core.error.InvalidRequestException;

/**
 * Which page of a tenant's workflow runs to read, newest first: by creation time, then by run id
 * (byte order), both descending. A position is {@code <createdAt>-<runId>}.
 *
 * @param cursor start strictly after this position; null: from the newest run
 * @param fromMs the oldest creation time wanted, epoch ms (inclusive)
 * @param toMs the newest creation time wanted, epoch ms (inclusive)
 * @param limit the most runs a page holds
 * @param maxScanned the most runs one page looks at (matching or not), so that a filter matching
 *     few runs keeps each read bounded; the page then ends early with a cursor
 */
public record RunListing(String cursor, long fromMs, long toMs, int limit, int maxScanned) {
  public RunListing {
    if (cursor != null) {
      parse(cursor); // refuse a malformed cursor before any read
    }
    if (limit < 1 || maxScanned < limit) {
      throw new IllegalArgumentException("need 1 <= limit <= maxScanned");
    }
  }

  /** A place in the listing. */
  public record Position(long createdAt, String runId) {
    @Override
    public String toString() {
      return createdAt + "-" + runId;
    }
  }

  /** The position of a run. */
  public static String position(WorkflowRun r) {
    return new Position(r.createdAt(), r.id()).toString();
  }

  /** Reads a position; 400 when it is not {@code <createdAt>-<runId>}. */
  public static Position parse(String position) {
    int dash = position.indexOf('-');
    try {
      if (dash > 0 && dash < position.length() - 1) {
        long createdAt = Long.parseLong(position.substring(0, dash));
        if (createdAt >= 0) {
          return new Position(createdAt, position.substring(dash + 1));
        }
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new InvalidRequestException("invalid cursor: \"" + position + "\"");
  }
}
