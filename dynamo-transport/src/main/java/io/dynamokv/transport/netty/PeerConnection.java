package io.dynamokv.transport.netty;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Failure;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.internal.wire.WireMessage;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerBusyException;
import io.dynamokv.spi.PeerUnreachableException;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.RequestTimeoutException;
import io.dynamokv.spi.TransportClosedException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection this node keeps to one peer, shared by every request to it: requests carry
 * ids, responses are matched to them, and each request has a deadline on the connection's event
 * loop.
 *
 * <p>Connecting is lazy. A failed attempt sets a backoff (doubling from the configured minimum
 * to the maximum); requests made meanwhile wait for the next attempt, within their own
 * deadlines, rather than each starting one. When the connection closes, the requests written on
 * it fail with {@link PeerUnreachableException}; the next request reconnects.
 *
 * <p>Thread-safe. Futures complete on the connection's event loop, or on the transport's
 * deadline timer thread when they time out.
 */
final class PeerConnection {

  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  private static final class Pending {
    final CompletableFuture<Message> reply;
    final WireMessage request;
    volatile Channel channel;
    volatile Timeout deadline;

    Pending(CompletableFuture<Message> reply, WireMessage request) {
      this.reply = reply;
      this.request = request;
    }

    /** What was asked, for a timeout's message: made only when one happens. */
    String what() {
      return request instanceof Addressed a ? a.message().type() + " for " + a.to() : request.type().toString();
    }
  }

  private record Outgoing(Channel channel, long id, Message message) {}

  private final Endpoint peer;
  private final Bootstrap bootstrap;
  private final EventLoop loop;
  private final Timer deadlines;
  private final Duration backoffMin;
  private final Duration backoffMax;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  /** Requests, written on the event loop in bursts: see {@link #write}. */
  private final BurstWriter<Outgoing> outgoing = new BurstWriter<>(this::writeNow, this::flushWritten);
  /** The channel the current burst is for, and the burst: its frames and their request ids; touched on the loop only. */
  private Channel unflushed;
  private final FrameBurst burst;
  private long[] burstIds = new long[64];
  private final AtomicLong ids = new AtomicLong();
  private volatile long lastResponseNanos = System.nanoTime();
  private static final long HALF_OPEN_AFTER_NANOS = 10_000_000_000L;

  // guarded by this
  private Channel channel;
  private CompletableFuture<Channel> connecting;
  private Duration backoff = Duration.ZERO;
  private long nextAttemptNanos;
  private boolean closed;

  PeerConnection(Endpoint peer, Bootstrap bootstrap, EventLoop loop, Timer deadlines, Duration backoffMin,
      Duration backoffMax, int maxFrameBytes) {
    this.peer = peer;
    this.burst = new FrameBurst(maxFrameBytes);
    this.bootstrap = bootstrap;
    this.loop = loop;
    this.deadlines = deadlines;
    this.backoffMin = backoffMin;
    this.backoffMax = backoffMax;
  }

  CompletableFuture<Message> request(Message message, Duration timeout) {
    CompletableFuture<Message> reply = new CompletableFuture<>();
    long id = ids.incrementAndGet();
    Pending p = new Pending(reply, WireMessage.of(message));
    pending.put(id, p);
    // A wheel timer: adding and cancelling a deadline is O(1), which a request's hot path needs.
    p.deadline = deadlines.newTimeout(t -> timeOut(id, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    Channel ready;
    CompletableFuture<Channel> later;
    synchronized (this) {
      if (closed) {
        fail(id, new TransportClosedException(peer));
        return reply;
      }
      ready = channel != null && channel.isActive() ? channel : null;
      later = ready == null ? connection() : null;
    }
    if (ready != null) {
      write(ready, id, message);
    } else {
      later.whenComplete((ch, failure) -> {
        if (failure != null) {
          fail(id, new PeerUnreachableException(peer, failure.getMessage(), failure));
        } else {
          write(ch, id, message);
        }
      });
    }
    return reply;
  }

  /** Returns the attempt under way, or starts one (after the backoff, if one is due). Holds this. */
  private CompletableFuture<Channel> connection() {
    if (connecting != null) {
      return connecting;
    }
    CompletableFuture<Channel> attempt = new CompletableFuture<>();
    connecting = attempt;
    long delay = Math.max(0, nextAttemptNanos - System.nanoTime());
    loop.schedule(() -> connect(attempt), delay, TimeUnit.NANOSECONDS);
    return attempt;
  }

  private void connect(CompletableFuture<Channel> attempt) {
    synchronized (this) {
      if (closed) {
        connecting = null;
        attempt.completeExceptionally(new TransportClosedException(peer));
        return;
      }
    }
    // On this connection's own loop, so that the writes queued for it are drained where its
    // bytes are counted (see write).
    ChannelFuture cf = bootstrap.clone(loop).connect(peer.host(), peer.port());
    cf.addListener(done -> {
      if (!done.isSuccess()) {
        attemptFailed(attempt, done.cause());
        return;
      }
      Channel ch = cf.channel();
      // With TLS, the server proves which node it is; with a cluster secret, that it holds it.
      // The connection serves requests only then. (Both handlers are looked up now: the secret's
      // leaves the pipeline once done.)
      CompletableFuture<Void> secret = secretProven(ch);
      serverProven(ch).thenCompose(v -> secret).whenComplete((v, failure) -> {
        if (failure != null) {
          ch.close();
          attemptFailed(attempt, failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
              ? failure.getCause() : failure);
        } else {
          connected(ch, attempt);
        }
      });
    });
  }

  /** Completes once the TLS handshake proved the server is a node (at once without TLS). */
  private static CompletableFuture<Void> serverProven(Channel ch) {
    io.netty.handler.ssl.SslHandler tls = ch.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    if (tls == null) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> proven = new CompletableFuture<>();
    tls.handshakeFuture().addListener(handshake -> {
      try {
        if (!handshake.isSuccess()) {
          throw new javax.net.ssl.SSLPeerUnverifiedException("TLS handshake failed: " + handshake.cause());
        }
        io.dynamokv.spi.PeerIdentity server = CertificateIdentity.of(tls.engine().getSession());
        if (!server.node()) {
          throw new javax.net.ssl.SSLPeerUnverifiedException("the server presented a client's certificate ("
              + server.name() + "), not a node's");
        }
        ch.attr(NettyTransport.SERVER_IDENTITY).set(server);
        proven.complete(null);
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        proven.completeExceptionally(e);
      }
    });
    return proven;
  }

  /** Completes once the server proved it holds the cluster's secret (at once without one). */
  private static CompletableFuture<Void> secretProven(Channel ch) {
    SecretHandshake handshake = ch.pipeline().get(SecretHandshake.class);
    return handshake == null ? CompletableFuture.completedFuture(null) : handshake.done();
  }

  /** The connection is up (and, with TLS, the server proved to be a node): it serves requests. */
  private void connected(Channel ch, CompletableFuture<Channel> attempt) {
    ch.attr(NettyTransport.PEER_CONNECTION).set(this);
    boolean stale;
    synchronized (this) {
      connecting = null;
      stale = closed;
      if (!stale) {
        channel = ch;
        backoff = Duration.ZERO;
        nextAttemptNanos = 0;
      }
    }
    if (stale) {
      ch.close();
      attempt.completeExceptionally(new TransportClosedException(peer));
      return;
    }
    ch.closeFuture().addListener(f -> onClosed(ch));
    log.debug("connected to {}", peer);
    attempt.complete(ch);
  }

  private void attemptFailed(CompletableFuture<Channel> attempt, Throwable cause) {
    Duration wait;
    synchronized (this) {
      connecting = null;
      backoff = backoff.isZero() ? backoffMin : min(backoff.multipliedBy(2), backoffMax);
      nextAttemptNanos = System.nanoTime() + backoff.toNanos();
      wait = backoff;
    }
    log.debug("connecting to {} failed ({}); next attempt in {} ms", peer, cause.toString(), wait.toMillis());
    attempt.completeExceptionally(new PeerUnreachableException(peer,
        "connection failed: " + cause.getMessage() + " (next attempt in " + wait.toMillis() + " ms)", cause));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Queues a request for its channel, to be written on this connection's event loop (where its
   * channels live) in a burst with the others queued meanwhile. Writability is checked there,
   * where the bytes are counted: a frame queued from another thread is only counted once
   * encoded, so a burst from outside the loop would slip past a check made here.
   */
  private void write(Channel ch, long id, Message message) {
    outgoing.add(new Outgoing(ch, id, message), loop);
  }

  /** Runs on the event loop, at the end of a burst: the burst's frames go out as one write. */
  private void flushWritten() {
    if (unflushed == null) {
      return;
    }
    long[] ids = java.util.Arrays.copyOf(burstIds, burst.frames());
    ChannelFuture written = burst.writeTo(unflushed);
    unflushed = null;
    if (written != null) {
      written.addListener(done -> {
        if (!done.isSuccess()) {
          for (long id : ids) {
            fail(id, new PeerUnreachableException(peer, "write failed: " + done.cause(), done.cause()));
          }
        }
      });
    }
  }

  /** Runs on the event loop: adds one request to the burst, or fails it. */
  private void writeNow(Outgoing o) {
    Channel ch = o.channel();
    long id = o.id();
    Pending p = pending.get(id);
    if (p == null) {
      return; // timed out while connecting or queued
    }
    if (unflushed != null && unflushed != ch) {
      flushWritten(); // the burst moved on to a newer connection
    }
    if (!ch.isActive()) {
      // Closed between the hand-off to the event loop and now (its outbound buffer is gone).
      fail(id, new PeerUnreachableException(peer, "connection closed before the request was sent", null));
      return;
    }
    io.dynamokv.spi.PeerIdentity server = ch.attr(NettyTransport.SERVER_IDENTITY).get();
    if (server != null && o.message() instanceof Addressed a && !a.to().value().equals(server.name())) {
      // Another node holds the address now, or one whose certificate names another: it must
      // not see, nor answer, what is meant for a.to().
      fail(id, new PeerUnreachableException(peer, "the node at " + peer + " is " + server.name()
          + " by its certificate, not " + a.to(), null));
      return;
    }
    // The burst's bytes are not in the outbound buffer yet: count them here. A full buffer is
    // back-pressure, not a failure of the peer (PeerBusyException).
    if (!ch.isWritable() || burst.bytes() >= ch.bytesBeforeUnwritable()) {
      fail(id, new PeerBusyException(peer, "outbound buffer full: "
          + (ch.unsafe().outboundBuffer().totalPendingWriteBytes() + burst.bytes())
          + " bytes not yet sent; the peer is not keeping up"));
      return;
    }
    try {
      burst.add(ch, Frame.request(id, o.message()));
    } catch (io.netty.handler.codec.EncoderException e) {
      fail(id, new IllegalArgumentException(e.getMessage(), e));
      return;
    }
    p.channel = ch;
    unflushed = ch;
    int n = burst.frames();
    if (n > burstIds.length) {
      burstIds = java.util.Arrays.copyOf(burstIds, burstIds.length * 2);
    }
    burstIds[n - 1] = id;
  }

  /** A response arrived on this connection. Runs on the event loop. */
  void onResponse(Frame frame) {
    lastResponseNanos = System.nanoTime();
    Pending p = pending.remove(frame.requestId());
    if (p == null) {
      log.debug("late or unknown response {} from {} ignored", frame.requestId(), peer);
      return;
    }
    cancelDeadline(p);
    if (frame.message() instanceof Failure f) {
      p.reply.completeExceptionally(new RemoteFailureException(peer, f.message()));
    } else {
      p.reply.complete(frame.message());
    }
  }

  private void timeOut(long id, Duration timeout) {
    Pending p = pending.remove(id);
    if (p == null) {
      return;
    }
    p.reply.completeExceptionally(new RequestTimeoutException(peer, timeout, p.what()));
    // Nothing at all came back for several deadlines: the connection may be half open (the
    // peer's machine died without a reset). Drop it; the next request reconnects. Not after one
    // deadline: a peer busy for a second (a RocksDB write stall, a pause) would lose every
    // request in flight on the connection, which a 10-minute run with 1M keys showed.
    Channel ch = p.channel;
    long silentNanos = Math.max(4 * timeout.toNanos(), HALF_OPEN_AFTER_NANOS);
    if (ch != null && System.nanoTime() - lastResponseNanos > silentNanos) {
      log.info("no reply from {} for over {} ms; closing the connection", peer, silentNanos / 1_000_000);
      ch.close();
    }
  }

  private void fail(long id, Throwable failure) {
    Pending p = pending.remove(id);
    if (p != null) {
      cancelDeadline(p);
      p.reply.completeExceptionally(failure);
    }
  }

  private static void cancelDeadline(Pending p) {
    Timeout d = p.deadline;
    if (d != null) {
      d.cancel();
    }
  }

  private void onClosed(Channel ch) {
    synchronized (this) {
      if (channel == ch) {
        channel = null;
      }
    }
    List<Long> lost = new ArrayList<>();
    pending.forEach((id, p) -> {
      if (p.channel == ch) {
        lost.add(id);
      }
    });
    for (long id : lost) {
      fail(id, new PeerUnreachableException(peer, "connection closed before the reply", null));
    }
    if (!lost.isEmpty()) {
      log.info("connection to {} closed with {} requests in flight", peer, lost.size());
    }
  }

  /** Closes the connection and fails every pending request. */
  void close() {
    Channel ch;
    synchronized (this) {
      closed = true;
      ch = channel;
      channel = null;
    }
    List<Long> ids = new ArrayList<>(pending.keySet());
    for (long id : ids) {
      fail(id, new TransportClosedException(peer));
    }
    if (ch != null) {
      ch.close();
    }
  }
}
