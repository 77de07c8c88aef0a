package io.dynamokv.transport.netty;

import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerIdentity;
import io.dynamokv.spi.RequestHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers pings, and records who the transport said sent each one. */
final class IdentityRecorder implements RequestHandler {

  final List<Optional<PeerIdentity>> seen = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<Message> handle(Message request) {
    throw new AssertionError("the transport must say who sent it");
  }

  @Override
  public CompletableFuture<Message> handle(Message request, Optional<PeerIdentity> peer) {
    seen.add(peer);
    return CompletableFuture.completedFuture(new Pong(((Ping) request).nonce()));
  }
}
