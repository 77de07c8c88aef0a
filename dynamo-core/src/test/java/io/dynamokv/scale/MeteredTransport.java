package io.dynamokv.scale;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.internal.wire.FrameCodec;
import io.dynamokv.internal.wire.WireMessage;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A node's transport that tells a {@link WireMeter} of every request it sends and every reply it
 * gets: the peers it talks to always, the encoded bytes by message type when the meter samples
 * this node (encoding every message of a thousand nodes would cost more than the run).
 */
final class MeteredTransport implements Transport {

  private final Transport delegate;
  private final WireMeter meter;
  private final boolean sampled;

  MeteredTransport(Transport delegate, WireMeter meter, boolean sampled) {
    this.delegate = delegate;
    this.meter = meter;
    this.sampled = sampled;
  }

  @Override
  public void start(RequestHandler handler) {
    delegate.start(handler);
  }

  @Override
  public Endpoint localEndpoint() {
    return delegate.localEndpoint();
  }

  @Override
  public CompletableFuture<Message> request(Endpoint peer, Message request, Duration timeout) {
    meter.linked(delegate.localEndpoint(), peer);
    if (sampled) {
      meter.sent(typeOf(request), size(request));
    }
    CompletableFuture<Message> reply = delegate.request(peer, request, timeout);
    if (sampled) {
      reply.thenAccept(r -> meter.sent(typeOf(r) + " (reply)", size(r)));
    }
    return reply;
  }

  private static String typeOf(Message m) {
    WireMessage w = (WireMessage) m;
    return (w instanceof Addressed a ? a.message() : w).type().name();
  }

  private static int size(Message m) {
    return FrameCodec.encode(new Frame(1, false, (WireMessage) m)).length;
  }

  @Override
  public boolean authenticatesPeers() {
    return delegate.authenticatesPeers();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
