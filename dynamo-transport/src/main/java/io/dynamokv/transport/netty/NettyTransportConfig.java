package io.dynamokv.transport.netty;

import static io.dynamokv.internal.Checks.requireInRange;
import static io.dynamokv.internal.Checks.requirePositive;
import static io.dynamokv.internal.Checks.requireUnset;

import io.dynamokv.Endpoint;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The settings of a {@link NettyTransport}. Immutable; built with {@link #newBuilder(Endpoint)},
 * whose setters may each be called once.
 */
public final class NettyTransportConfig {

  /** Default largest frame: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

  /**
   * Default high-water mark of a connection's unsent bytes: 4 MiB, several times the node's
   * default largest value (1 MiB), so that a few maximum-size writes in a row pass without the
   * connection refusing the next as full.
   */
  public static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 4 << 20;

  /** Default low-water mark: below it a full connection takes requests again. */
  public static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 1 << 20;

  private final Endpoint bind;
  private final int maxFrameBytes;
  private final Duration connectTimeout;
  private final Duration reconnectBackoffMin;
  private final Duration reconnectBackoffMax;
  private final int ioThreads;
  private final int handlerThreads;
  private final Optional<Executor> handlerExecutor;
  private final int writeBufferLowBytes;
  private final int writeBufferHighBytes;
  private final Optional<TlsConfig> tls;
  private final byte[] clusterSecret;
  private final byte[] clientSecret;
  private final int maxConnections;
  private final int maxRequestsInFlight;
  private final Duration idleTimeout;

  private NettyTransportConfig(Builder b) {
    bind = b.bind;
    maxFrameBytes = b.maxFrameBytes == null ? DEFAULT_MAX_FRAME_BYTES : b.maxFrameBytes;
    connectTimeout = b.connectTimeout == null ? Duration.ofSeconds(2) : b.connectTimeout;
    reconnectBackoffMin = b.reconnectBackoffMin == null ? Duration.ofMillis(50) : b.reconnectBackoffMin;
    reconnectBackoffMax = b.reconnectBackoffMax == null ? Duration.ofSeconds(5) : b.reconnectBackoffMax;
    ioThreads = b.ioThreads != null ? b.ioThreads : b.client ? 1 : Math.max(1, Runtime.getRuntime().availableProcessors());
    handlerThreads = b.handlerThreads == null ? Math.max(2, Runtime.getRuntime().availableProcessors()) : b.handlerThreads;
    handlerExecutor = Optional.ofNullable(b.handlerExecutor);
    writeBufferLowBytes = b.writeBufferLowBytes == null ? DEFAULT_WRITE_BUFFER_LOW_BYTES : b.writeBufferLowBytes;
    writeBufferHighBytes = b.writeBufferHighBytes == null ? DEFAULT_WRITE_BUFFER_HIGH_BYTES : b.writeBufferHighBytes;
    tls = Optional.ofNullable(b.tls);
    clusterSecret = b.clusterSecret;
    clientSecret = b.clientSecret;
    maxConnections = b.maxConnections == null ? 10_000 : b.maxConnections;
    maxRequestsInFlight = b.maxRequestsInFlight == null ? 4096 : b.maxRequestsInFlight;
    idleTimeout = b.idleTimeout == null ? Duration.ofMinutes(10) : b.idleTimeout;
    if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
      throw new IllegalArgumentException("reconnectBackoffMax : " + reconnectBackoffMax
          + " (expected: >= reconnectBackoffMin = " + reconnectBackoffMin + ")");
    }
    if (writeBufferHighBytes < writeBufferLowBytes) {
      throw new IllegalArgumentException("writeBufferHighBytes : " + writeBufferHighBytes
          + " (expected: >= writeBufferLowBytes = " + writeBufferLowBytes + ")");
    }
  }

  /** Starts a configuration for a transport listening at {@code bind} (port 0: any free port). */
  public static Builder newBuilder(Endpoint bind) {
    return new Builder(bind);
  }

  /**
   * Starts a configuration for a client's transport, which only sends ({@code DynamoClient} never
   * starts it, so it listens nowhere): set the cluster's secret or TLS as on the nodes. Its I/O
   * threads default to one: a client's read asks two nodes at once, and with their connections on
   * two event loops every read wakes both (YCSB through a client: 12-15% less client CPU per
   * operation with one loop than with two).
   */
  public static Builder newClientBuilder() {
    Builder b = new Builder(Endpoint.of("0.0.0.0", 0));
    b.client = true;
    return b;
  }

  /** Returns where the server listens. */
  public Endpoint bind() {
    return bind;
  }

  /** Returns the largest frame accepted or sent; a larger one closes its connection. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Returns how long a connection attempt may take. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Returns the wait after a first failed connection attempt before the next. */
  public Duration reconnectBackoffMin() {
    return reconnectBackoffMin;
  }

  /** Returns the longest wait between connection attempts (the wait doubles up to it). */
  public Duration reconnectBackoffMax() {
    return reconnectBackoffMax;
  }

  /** Returns the number of I/O threads. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Returns the size of the pool the transport creates for request handlers, if it creates one. */
  public int handlerThreads() {
    return handlerThreads;
  }

  /** Returns the executor for request handlers, if the caller supplied one (it is not shut down by close). */
  public Optional<Executor> handlerExecutor() {
    return handlerExecutor;
  }

  /** Returns the outbound buffer size below which a connection is writable again. */
  public int writeBufferLowBytes() {
    return writeBufferLowBytes;
  }

  /** Returns the outbound buffer size above which a connection stops taking new requests. */
  public int writeBufferHighBytes() {
    return writeBufferHighBytes;
  }

  /** Returns the mutual TLS settings, if TLS is on. */
  public Optional<TlsConfig> tls() {
    return tls;
  }

  /** Returns how long an accepted connection may carry nothing, either way, before the node closes it. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Returns how many connections the node accepts at once. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Returns how many requests one connection may have in flight before the node stops reading it. */
  public int maxRequestsInFlight() {
    return maxRequestsInFlight;
  }

  /** Returns (a copy of) the cluster's secret, if connections prove they hold it. */
  public Optional<byte[]> clusterSecret() {
    return Optional.ofNullable(clusterSecret).map(byte[]::clone);
  }

  /** Returns (a copy of) the clients' secret, if set. */
  public Optional<byte[]> clientSecret() {
    return Optional.ofNullable(clientSecret).map(byte[]::clone);
  }

  @Override
  public String toString() {
    return "NettyTransportConfig{bind=" + bind + ", maxFrameBytes=" + maxFrameBytes + ", connectTimeout="
        + connectTimeout + ", reconnectBackoff=" + reconnectBackoffMin + ".." + reconnectBackoffMax
        + ", ioThreads=" + ioThreads + ", handlers=" + handlerExecutor.map(e -> "supplied").orElse(handlerThreads + " threads")
        + ", writeBuffer=" + writeBufferLowBytes + ".." + writeBufferHighBytes + ", tls=" + tls.isPresent()
        + ", clusterSecret=" + (clusterSecret != null) + ", clientSecret=" + (clientSecret != null) + "}";
  }

  /** Collects settings; each may be set once. Not thread-safe. */
  public static final class Builder {
    private final Endpoint bind;
    private Integer maxFrameBytes;
    private Duration connectTimeout;
    private Duration reconnectBackoffMin;
    private Duration reconnectBackoffMax;
    private Integer ioThreads;
    private Integer handlerThreads;
    private Executor handlerExecutor;
    private Integer writeBufferLowBytes;
    private Integer writeBufferHighBytes;
    private TlsConfig tls;
    private byte[] clusterSecret;
    private byte[] clientSecret;
    private Integer maxConnections;
    private Integer maxRequestsInFlight;
    private Duration idleTimeout;
    private boolean client;

    private Builder(Endpoint bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
    }

    /** Sets the largest frame; default 16 MiB, at least 1 KiB. */
    public Builder maxFrameBytes(int bytes) {
      requireUnset(maxFrameBytes, "maxFrameBytes");
      maxFrameBytes = requireInRange("maxFrameBytes", bytes, 1024, Integer.MAX_VALUE);
      return this;
    }

    /** Sets the connect timeout; default 2 s. */
    public Builder connectTimeout(Duration timeout) {
      requireUnset(connectTimeout, "connectTimeout");
      connectTimeout = requirePositive("connectTimeout", timeout);
      return this;
    }

    /** Sets the reconnect backoff range; default 50 ms to 5 s. */
    public Builder reconnectBackoff(Duration min, Duration max) {
      requireUnset(reconnectBackoffMin, "reconnectBackoff");
      reconnectBackoffMin = requirePositive("reconnectBackoffMin", min);
      reconnectBackoffMax = requirePositive("reconnectBackoffMax", max);
      return this;
    }

    /** Sets the number of I/O threads; default the number of cores, one for a client's transport. */
    public Builder ioThreads(int threads) {
      requireUnset(ioThreads, "ioThreads");
      ioThreads = requireInRange("ioThreads", threads, 1, Integer.MAX_VALUE);
      return this;
    }

    /** Sets the size of the handler pool the transport creates; default max(2, cores). */
    public Builder handlerThreads(int threads) {
      requireUnset(handlerThreads, "handlerThreads");
      handlerThreads = requireInRange("handlerThreads", threads, 1, Integer.MAX_VALUE);
      return this;
    }

    /** Runs request handlers on {@code executor} instead of a pool of the transport's own. */
    public Builder handlerExecutor(Executor executor) {
      requireUnset(handlerExecutor, "handlerExecutor");
      handlerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Sets the outbound buffer watermarks; default 256 KiB and 1 MiB. */
    public Builder writeBufferWatermarks(int lowBytes, int highBytes) {
      requireUnset(writeBufferLowBytes, "writeBufferWatermarks");
      writeBufferLowBytes = requireInRange("writeBufferLowBytes", lowBytes, 1, Integer.MAX_VALUE);
      writeBufferHighBytes = requireInRange("writeBufferHighBytes", highBytes, 1, Integer.MAX_VALUE);
      return this;
    }

    /** Turns on mutual TLS. */
    public Builder tls(TlsConfig config) {
      requireUnset(tls, "tls");
      tls = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the cluster's secret: every connection, in both directions, first proves that both ends
     * hold it (a challenge and response; the secret never crosses the wire), and is closed if one
     * does not. At least 16 bytes; with TLS too, the handshake runs inside TLS.
     */
    public Builder clusterSecret(byte[] secret) {
      requireUnset(clusterSecret, "clusterSecret");
      clusterSecret = requireSecret("clusterSecret", secret);
      return this;
    }

    /**
     * Sets the clients' secret. On a node (which needs a cluster secret too): a connection that
     * proves it instead of the cluster's is let in as a client, whose only requests are to
     * coordinate reads and writes and for the ring. On a client's transport without a cluster
     * secret: the secret it proves. At least 16 bytes, other than the cluster's.
     */
    public Builder clientSecret(byte[] secret) {
      requireUnset(clientSecret, "clientSecret");
      clientSecret = requireSecret("clientSecret", secret);
      return this;
    }

    /** Sets how many connections the node accepts at once; default 10,000. One more is closed at once. */
    public Builder maxConnections(int connections) {
      requireUnset(maxConnections, "maxConnections");
      maxConnections = requireInRange("maxConnections", connections, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets how many requests one connection may have in flight (decoded, not yet answered);
     * default 4,096. At the limit the node stops reading from it until half are answered.
     */
    public Builder maxRequestsInFlight(int requests) {
      requireUnset(maxRequestsInFlight, "maxRequestsInFlight");
      maxRequestsInFlight = requireInRange("maxRequestsInFlight", requests, 2, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets how long an accepted connection may carry nothing, in either direction, before the node
     * closes it (a connecting node or client opens a new one when it next sends); default 10 min.
     * Connections that were opened and forgotten then do not count against {@code maxConnections}
     * for ever.
     */
    public Builder idleTimeout(Duration timeout) {
      requireUnset(idleTimeout, "idleTimeout");
      idleTimeout = requirePositive("idleTimeout", timeout);
      return this;
    }

    private static byte[] requireSecret(String name, byte[] secret) {
      Objects.requireNonNull(secret, name);
      if (secret.length < 16) {
        throw new IllegalArgumentException(name + " : " + secret.length + " bytes (expected: at least 16)");
      }
      return secret.clone();
    }

    /** Returns the configuration. */
    public NettyTransportConfig build() {
      return new NettyTransportConfig(this);
    }
  }
}
