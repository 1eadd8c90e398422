package dev.postbox.core.publish;

import java.util.List;

/**
 * What a publish with a deduplication id accepted (docs/api.md#deduplication): a duplicate within
 * the window gets the same answer, marked {@code "deduplicated": true}, and stores nothing.
 *
 * @param tenant owning tenant id
 * @param id the deduplication id (given, or derived from the content)
 * @param expiresAt end of the deduplication window, epoch ms
 * @param accepted the messages the original publish stored (one, or one per group endpoint)
 */
public record DedupRecord(String tenant, String id, long expiresAt, List<Accepted> accepted) {
  public DedupRecord {
    accepted = List.copyOf(accepted);
  }

  /** One stored message of the original publish. */
  public record Accepted(String messageId, String url) {}
}
