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
 * Proves, before any frame, that both ends of a connection hold the cluster's secret, without
 * sending it: a challenge and response with HMAC-SHA256 over a random nonce from each side.
 *
 * <pre>
 * client -> server   HELLO      magic, client nonce (32 bytes)
 * server -> client   CHALLENGE  magic, server nonce, HMAC(secret, "server" | client nonce | server nonce)
 * client -> server   PROOF      HMAC(secret, "client" | client nonce | server nonce)
 * </pre>
 *
 * The client checks the server's MAC before it answers, so a server without the secret learns
 * nothing it could replay; the server checks the client's before it passes a byte on. Fresh nonces
 * on both sides make every exchange new. A wrong MAC, a wrong magic or a handshake not done within
 * the deadline closes the connection. Once done the handler leaves the pipeline, passing on any
 * bytes that followed (frames sent right after the proof).
 *
 * <p>One instance per connection.
 */
final class SecretHandshake extends ByteToMessageDecoder {

  private static final Logger log = LoggerFactory.getLogger(SecretHandshake.class);
  private static final byte[] MAGIC = {'D', 'K', 'V', '1'};
  private static final int NONCE = 32;
  private static final int MAC = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] secret;
  private final boolean client;
  private final Duration deadline;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final byte[] ownNonce = new byte[NONCE];
  private byte[] clientNonce;
  private ScheduledFuture<?> timer;

  /**
   * @param client whether this end opened the connection (it speaks first)
   * @param deadline how long the whole exchange may take
   */
  SecretHandshake(byte[] secret, boolean client, Duration deadline) {
    this.secret = secret.clone();
    this.client = client;
    this.deadline = deadline;
    RANDOM.nextBytes(ownNonce);
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
      if (in.readableBytes() < MAGIC.length + NONCE + MAC) {
        return;
      }
      if (!magic(in)) {
        fail(ctx, "the server does not speak the cluster-secret handshake");
        return;
      }
      byte[] serverNonce = read(in, NONCE);
      byte[] serverMac = read(in, MAC);
      if (!MessageDigest.isEqual(serverMac, mac("server", ownNonce, serverNonce))) {
        fail(ctx, "the server does not hold the cluster's secret");
        return;
      }
      ctx.writeAndFlush(ctx.alloc().buffer(MAC).writeBytes(mac("client", ownNonce, serverNonce)));
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
      ctx.writeAndFlush(ctx.alloc().buffer(MAGIC.length + NONCE + MAC).writeBytes(MAGIC).writeBytes(ownNonce)
          .writeBytes(mac("server", clientNonce, ownNonce)));
    }
    if (in.readableBytes() < MAC) {
      return;
    }
    if (!MessageDigest.isEqual(read(in, MAC), mac("client", clientNonce, ownNonce))) {
      fail(ctx, "the client does not hold the cluster's secret");
      return;
    }
    succeed(ctx);
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

  private byte[] mac(String role, byte[] clientSide, byte[] serverSide) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
      hmac.update(role.getBytes(StandardCharsets.US_ASCII));
      hmac.update(clientSide);
      return hmac.doFinal(serverSide);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }
}
