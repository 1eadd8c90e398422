package dev.postbox.redis.lettuce;

import dev.postbox.core.redis.RedisReply;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Builds a {@link RedisReply} from what Lettuce decodes, nested arrays included, whatever the
 * command. Arrays are tracked by the element counts Redis announces, so nesting needs no help from
 * the decoder. An error at the top is the command's error (Lettuce fails its future with it); an
 * error inside an array (a script's table) becomes an element.
 */
final class ReplyOutput extends CommandOutput<byte[], byte[], RedisReply> {
  /** An array being filled. */
  private static final class Frame {
    final int size;
    final List<RedisReply> items;

    Frame(int size) {
      this.size = size;
      this.items = new ArrayList<>(size);
    }
  }

  private final Deque<Frame> open = new ArrayDeque<>();

  ReplyOutput() {
    super(ByteArrayCodec.INSTANCE, null);
  }

  @Override
  public void set(ByteBuffer bytes) {
    add(bytes == null ? RedisReply.Nil.INSTANCE : new RedisReply.Bulk(copy(bytes)));
  }

  @Override
  public void setSingle(ByteBuffer bytes) {
    add(
        bytes == null
            ? RedisReply.Nil.INSTANCE
            : new RedisReply.Status(StandardCharsets.UTF_8.decode(bytes).toString()));
  }

  @Override
  public void set(long integer) {
    add(new RedisReply.Int(integer));
  }

  @Override
  public void set(double number) { // RESP3 only; RESP2 is asked for, so never in practice
    add(RedisReply.Bulk.of(Double.toString(number)));
  }

  @Override
  public void set(boolean value) { // RESP3 only, as above
    add(new RedisReply.Int(value ? 1 : 0));
  }

  @Override
  public void setError(ByteBuffer error) {
    setError(StandardCharsets.UTF_8.decode(error).toString());
  }

  @Override
  public void setError(String error) {
    if (open.isEmpty()) {
      super.setError(error);
    } else {
      add(new RedisReply.Error(error));
    }
  }

  @Override
  public void multi(int count) {
    if (count < 0) {
      add(RedisReply.Nil.INSTANCE);
      return;
    }
    open.push(new Frame(count));
    if (count == 0) {
      close();
    }
  }

  private void add(RedisReply reply) {
    if (open.isEmpty()) {
      output = reply;
      return;
    }
    open.peek().items.add(reply);
    close();
  }

  /** Closes the arrays that are full, innermost first. */
  private void close() {
    while (!open.isEmpty() && open.peek().items.size() == open.peek().size) {
      Frame done = open.pop();
      RedisReply.Array array = new RedisReply.Array(done.items);
      if (open.isEmpty()) {
        output = array;
        return;
      }
      open.peek().items.add(array);
    }
  }

  private static byte[] copy(ByteBuffer bytes) {
    byte[] b = new byte[bytes.remaining()];
    bytes.get(b);
    return b;
  }
}
