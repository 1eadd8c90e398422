package dev.postbox.core.message;

import java.util.Objects;

/**
 * A message that reached its final state, kept readable for {@code --keep-ended} after it left the
 * pending messages (see {@link KeepEnded}).
 *
 * @param message the message as it was when it ended, body included
 * @param state how it ended: {@link MessageState#DELIVERED}, {@link MessageState#FAILED} or {@link
 *     MessageState#CANCELED}
 * @param endedAt when it ended, epoch ms
 */
public record EndedMessage(Message message, MessageState state, long endedAt) {
  public EndedMessage {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(state, "state");
  }

  public MessageRef ref() {
    return message.ref();
  }
}
