/**
 * The Netty transport: {@link io.dynamokv.transport.netty.NettyTransport}, created with a
 * {@link io.dynamokv.transport.netty.NettyTransportConfig} (and a
 * {@link io.dynamokv.transport.netty.TlsConfig} for mutual TLS). Everything else in this package
 * is package-private.
 */
package io.dynamokv.transport.netty;
