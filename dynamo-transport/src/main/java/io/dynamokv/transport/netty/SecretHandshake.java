package io.dynamokv.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves, before any frame, that both ends of a connection hold a secret of the cluster, without
 * sending it: a challenge and response with HMAC-SHA256 over a random nonce from each side. A
 * node holds the cluster's secret, and may accept a second one, the clients' secret, which lets
 * the other end in as a client only.
 *
 * <pre>
 * client -> server   HELLO      magic, client nonce (32 bytes)
 * server -> client   CHALLENGE  magic, server nonce, HMAC(cluster secret, "server" | client nonce | server nonce),
 *                               HMAC(clients' secret, the same) (random bytes if the server has none)
 * client -> server   PROOF      HMAC(its secret, "client" | client nonce | server nonce)
 * </pre>
 *
 * The connecting end checks the server's MAC for the secret it holds before it answers (a node
 * only the first: a server that holds only the clients' secret is not a node), so a server
 * without it learns nothing it could replay; the server checks the proof before it passes a byte
 * on, and marks the channel {@link #CLIENT_BY_SECRET} if the clients' secret made it. Fresh
 * nonces on both sides make every exchange new. A wrong MAC, a wrong magic or a handshake not done
 * within the deadline closes the connection. Once done the handler leaves the pipeline, passing
 * on any bytes that followed (frames sent right after the proof).
 *
 * <p>One instance per connection.
 */
final class SecretHandshake extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(SecretHandshake.class);
  private static final byte[] MAGIC = {'D', 'K', 'V', '1'};
  private static final int NONCE = 32;
  private static final int MAC = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Set on a server's channel whose other end proved the clients' secret, not the cluster's. */
  static final io.netty.util.AttributeKey<Boolean> CLIENT_BY_SECRET = io.netty.util.AttributeKey.valueOf("dynamokv.clientBySecret");

  private final byte[] secret;
  /** On a server: the clients' secret, if it accepts one; on a connecting end: unused. */
  private final java.util.Optional<byte[]> clientSecret;
  /** On a connecting end: whether its secret is the clients' (it checks the server's second MAC). */
  private final boolean provesClientSecret;
  private final boolean client;
  private final Duration deadline;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final byte[] ownNonce = new byte[NONCE];
  private byte[] clientNonce;
  private ScheduledFuture<?> timer;

  private SecretHandshake(byte[] secret, java.util.Optional<byte[]> clientSecret, boolean provesClientSecret,
      boolean client, Duration deadline) {
    this.secret = secret.clone();
    this.clientSecret = clientSecret.map(byte[]::clone);
    this.provesClientSecret = provesClientSecret;
    this.client = client;
    this.deadline = deadline;
    RANDOM.nextBytes(ownNonce);
  }

  /**
   * The connecting end's handshake, proving {@code secret}: the cluster's, or, if
   * {@code clientSecret}, the clients'.
   *
   * @param deadline how long the whole exchange may take
   */
  static SecretHandshake connecting(byte[] secret, boolean clientSecret, Duration deadline) {
    return new SecretHandshake(secret, java.util.Optional.empty(), clientSecret, true, deadline);
  }

  /** The accepting end's handshake: nodes prove {@code clusterSecret}, clients {@code clientSecret} if given. */
  static SecretHandshake accepting(byte[] clusterSecret, java.util.Optional<byte[]> clientSecret, Duration deadline) {
    return new SecretHandshake(clusterSecret, clientSecret, false, false, deadline);
  }

  /** Completes once the other end proved it holds the secret; fails if the connection closes first. */
  CompletableFuture<Void> done() {
    return done;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    timer = ctx.executor().schedule(() -> fail(ctx, "no handshake within " + deadline.toMillis() + " ms"),
        deadline.toNanos(), TimeUnit.NANOSECONDS);
    if (client) {
      ByteBuf hello = ctx.alloc().buffer(MAGIC.length + NONCE).writeBytes(MAGIC).writeBytes(ownNonce);
      ctx.writeAndFlush(hello);
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    done.completeExceptionally(new IllegalStateException("connection closed during the cluster-secret handshake"));
    super.channelInactive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (done.isDone()) {
      return;
    }
    if (in.readableBytes() >= MAGIC.length && (client || clientNonce == null) && !magicAhead(in)) {
      fail(ctx, "the " + (client ? "server" : "client") + " does not speak the cluster-secret handshake");
      return;
    }
    if (client) {
      if (in.readableBytes() < MAGIC.length + NONCE + 2 * MAC) {
        return;
      }
      if (!magic(in)) {
        fail(ctx, "the server does not speak the cluster-secret handshake");
        return;
      }
      byte[] serverNonce = read(in, NONCE);
      byte[] clusterMac = read(in, MAC);
      byte[] clientsMac = read(in, MAC);
      if (!MessageDigest.isEqual(provesClientSecret ? clientsMac : clusterMac, mac(secret, "server", ownNonce, serverNonce))) {
        fail(ctx, "the server does not hold the " + (provesClientSecret ? "clients'" : "cluster's") + " secret");
        return;
      }
      ctx.writeAndFlush(ctx.alloc().buffer(MAC).writeBytes(mac(secret, "client", ownNonce, serverNonce)));
      succeed(ctx);
      return;
    }
    if (clientNonce == null) {
      if (in.readableBytes() < MAGIC.length + NONCE) {
        return;
      }
      if (!magic(in)) {
        fail(ctx, "the client does not speak the cluster-secret handshake");
        return;
      }
      clientNonce = read(in, NONCE);
      byte[] clientsMac = new byte[MAC];
      if (clientSecret.isPresent()) {
        clientsMac = mac(clientSecret.get(), "server", clientNonce, ownNonce);
      } else {
        RANDOM.nextBytes(clientsMac); // no clients' secret: nothing anyone could match
      }
      ctx.writeAndFlush(ctx.alloc().buffer(MAGIC.length + NONCE + 2 * MAC).writeBytes(MAGIC).writeBytes(ownNonce)
          .writeBytes(mac(secret, "server", clientNonce, ownNonce)).writeBytes(clientsMac));
    }
    if (in.readableBytes() < MAC) {
      return;
    }
    byte[] proof = read(in, MAC);
    if (MessageDigest.isEqual(proof, mac(secret, "client", clientNonce, ownNonce))) {
      succeed(ctx);
    } else if (clientSecret.isPresent()
        && MessageDigest.isEqual(proof, mac(clientSecret.get(), "client", clientNonce, ownNonce))) {
      ctx.channel().attr(CLIENT_BY_SECRET).set(true);
      succeed(ctx);
    } else {
      fail(ctx, "the client holds neither the cluster's secret nor the clients'");
    }
  }

  private void succeed(ChannelHandlerContext ctx) {
    timer.cancel(false);
    ctx.pipeline().remove(this); // hands on the bytes that followed the handshake
    done.complete(null);
  }

  private void fail(ChannelHandlerContext ctx, String why) {
    if (done.isDone()) {
      return;
    }
    log.warn("closing the connection {} {}: {}", client ? "to" : "from", ctx.channel().remoteAddress(), why);
    done.completeExceptionally(new javax.net.ssl.SSLPeerUnverifiedException(why));
    ctx.close();
  }

  /** Whether the next bytes are the magic, without reading them. */
  private static boolean magicAhead(ByteBuf in) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (in.getByte(in.readerIndex() + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean magic(ByteBuf in) {
    return Arrays.equals(read(in, MAGIC.length), MAGIC);
  }

  private static byte[] read(ByteBuf in, int n) {
    byte[] out = new byte[n];
    in.readBytes(out);
    return out;
  }

  private static byte[] mac(byte[] key, String role, byte[] clientSide, byte[] serverSide) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(key, "HmacSHA256"));
      hmac.update(role.getBytes(StandardCharsets.US_ASCII));
      hmac.update(clientSide);
      return hmac.doFinal(serverSide);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }
}
