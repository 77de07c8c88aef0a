package io.dynamokv.transport.netty;

import io.dynamokv.spi.PeerIdentity;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.dynamokv.internal.wire.Failure;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RequestHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the requests arriving on one accepted connection. A request the handler serves without
 * blocking ({@link RequestHandler#handleWithoutBlocking}, such as a replica write that only
 * queues a storage update) is served on the event loop as it is decoded. The others are handed
 * to the request executor one socket read at a time: the requests decoded from one read go as
 * one task. Replies go back to the event loop through a
 * {@link BurstWriter}: the replies the task produces at once, and later ones that complete
 * together (the writes one fsync made durable), each cost one hand-off, one buffer and one
 * flush in all ({@link FrameBurst}). A reply too large for a frame goes back as a failure of its
 * request; the connection stays open for the others.
 *
 * <p>While the connection's outbound buffer is over its high watermark, or it has as many requests
 * in flight as it may ({@code maxInFlight}), the handler stops reading from it, so a client that
 * does not read its replies, or sends faster than the node answers, slows itself down, not the
 * node.
 *
 * <p>One instance per connection; its batch is touched only by the event loop, its reply queue
 * from any thread.
 */
final class ServerHandler extends SimpleChannelInboundHandler<Frame> {

  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

  private final RequestHandler handler;
  private final Executor executor;
  /** The replies of the current burst, encoded into one buffer; touched by the event loop only. */
  private final FrameBurst burst;
  private List<Frame> batch = new ArrayList<>();
  /** Replies on their way to the event loop, from any thread; made when the handler is added. */
  private BurstWriter<Frame> outbox;
  /** Who the client proved to be by its certificate, once the TLS handshake is done; empty without TLS. */
  private volatile Optional<PeerIdentity> peer = Optional.empty();
  /** Who the other end is once it proved only the clients' secret; null until first asked. */
  private volatile Optional<PeerIdentity> asClient;

  /** Requests decoded and not yet answered; past {@link #maxInFlight} the handler stops reading. */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final int maxInFlight;

  ServerHandler(RequestHandler handler, Executor executor, int maxFrameBytes, int maxInFlight) {
    this.maxInFlight = maxInFlight;
    this.handler = handler;
    this.executor = executor;
    this.burst = new FrameBurst(maxFrameBytes);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel ch = ctx.channel();
    outbox = new BurstWriter<>(reply -> addReply(ch, reply), () -> burst.writeToAndForget(ch));
  }

  /** Runs on the event loop. A reply over the frame limit goes back as a failure of its request. */
  private void addReply(Channel ch, Frame reply) {
    answered(ch);
    try {
      burst.add(ch, reply);
    } catch (io.netty.handler.codec.EncoderException e) {
      log.warn("reply to request {} from {} not sent: {}", reply.requestId(), ch.remoteAddress(), e.getMessage());
      burst.add(ch, Frame.response(reply.requestId(), new Failure("reply not sent: " + e.getMessage())));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof io.netty.handler.timeout.IdleStateEvent) {
      // Nothing either way for the idle timeout: a forgotten connection, not a peer in use.
      log.debug("closing the idle connection from {}", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      try {
        peer = Optional.of(CertificateIdentity.of(ctx.pipeline().get(SslHandler.class).engine().getSession()));
      } catch (SSLPeerUnverifiedException e) {
        log.warn("closing the connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
        ctx.close();
        return;
      }
    }
    super.userEventTriggered(ctx, event);
  }

  /**
   * Who the other end is: a client if it proved only the clients' secret (whatever its
   * certificate says), else what its certificate says, else unknown (it proved the cluster's
   * secret, or nothing was asked).
   */
  private Optional<PeerIdentity> peer(Channel ch) {
    if (Boolean.TRUE.equals(ch.attr(SecretHandshake.CLIENT_BY_SECRET).get())) {
      Optional<PeerIdentity> client = asClient;
      if (client == null) {
        // Made once per connection, not per request: threads racing here make equal values.
        client = Optional.of(PeerIdentity.client("client at " + ch.remoteAddress()));
        asClient = client;
      }
      return client;
    }
    return peer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
    if (frame.response()) {
      log.warn("closing the connection from {}: it sent a response frame to the server side", ctx.channel().remoteAddress());
      ctx.channel().close();
      return;
    }
    // A client that sends faster than the node answers is paused, not buffered without bound.
    if (inFlight.incrementAndGet() >= maxInFlight) {
      ctx.channel().config().setAutoRead(false);
    }
    Channel ch = ctx.channel();
    Optional<CompletableFuture<Message>> served;
    try {
      served = handler.handleWithoutBlocking(frame.message(), peer(ch));
    } catch (RuntimeException e) {
      served = Optional.of(CompletableFuture.failedFuture(e));
    }
    if (served.isPresent()) {
      answer(ch, frame, served.get());
    } else {
      batch.add(frame);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!batch.isEmpty()) {
      List<Frame> requests = batch;
      batch = new ArrayList<>();
      Channel ch = ctx.channel();
      try {
        executor.execute(() -> serve(ch, requests));
      } catch (RejectedExecutionException e) {
        for (Frame f : requests) {
          answered(ch);
          ch.write(Frame.response(f.requestId(), new Failure("the node is shutting down")));
        }
        ch.flush();
      }
    }
    ctx.fireChannelReadComplete();
  }

  /** Runs on the request executor. */
  private void serve(Channel ch, List<Frame> requests) {
    for (Frame request : requests) {
      serve(ch, request);
    }
  }

  /** Runs on the request executor. */
  private void serve(Channel ch, Frame request) {
    CompletableFuture<Message> reply;
    try {
      reply = handler.handle(request.message(), peer(ch));
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    answer(ch, request, reply);
  }

  /** Sends {@code reply} to {@code request} once it completes. */
  private void answer(Channel ch, Frame request, CompletableFuture<Message> reply) {
    if (reply.isDone()) {
      outbox.add(Frame.response(request.requestId(), replyOf(reply)), ch.eventLoop());
    } else {
      CompletableFuture<Message> later = reply;
      later.whenComplete((m, t) -> outbox.add(Frame.response(request.requestId(), replyOf(later)), ch.eventLoop()));
    }
  }

  private static Message replyOf(CompletableFuture<Message> done) {
    try {
      Message m = done.join();
      return m == null ? new Failure("the handler replied with null") : m;
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return new Failure(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable() && inFlight.get() < maxInFlight);
    ctx.fireChannelWritabilityChanged();
  }

  /** Runs on the event loop as a request is answered: reading resumes once half the room is back. */
  private void answered(Channel ch) {
    int left = inFlight.decrementAndGet();
    if (left <= maxInFlight / 2 && !ch.config().isAutoRead() && ch.isWritable()) {
      ch.config().setAutoRead(true);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    NettyTransport.closeOnError(ctx.channel(), cause, "from");
  }
}
