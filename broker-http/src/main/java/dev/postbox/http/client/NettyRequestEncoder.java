package dev.postbox.http.client;

import dev.postbox.core.delivery.DeliveryRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Turns a delivery into the Netty request sent for it; the body is wrapped, not copied. */
final class NettyRequestEncoder {
  private NettyRequestEncoder() {}

  /**
   * The request for one attempt at {@code uri} (of {@code origin}).
   *
   * @throws IllegalArgumentException when the method is not a valid HTTP method
   */
  static FullHttpRequest encode(DeliveryRequest r, URI uri, Origin origin) {
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target = target + "?" + uri.getRawQuery();
    }
    ByteBuf body = r.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body());
    FullHttpRequest req =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.valueOf(r.method()), target, body);
    req.headers().set(HttpHeaderNames.HOST, origin.hostHeader());
    for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
      if (OutboundHeaders.isRestricted(h.getKey())) {
        continue;
      }
      try {
        req.headers().add(h.getKey(), h.getValue());
      } catch (IllegalArgumentException invalidHeader) {
        // A header Netty refuses (bad name/value) is dropped rather than failing the message.
      }
    }
    req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    return req;
  }
}
