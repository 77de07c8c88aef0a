package io.dynamokv.transport.netty;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/** Builds the server and client TLS contexts of one node from its {@link TlsConfig}. */
record TlsContexts(SslContext server, SslContext client) {

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  static TlsContexts of(TlsConfig tls) {
    try {
      SslContext server = SslContextBuilder
          .forServer(tls.certificateChain().toFile(), tls.privateKey().toFile())
          .trustManager(tls.trustedCertificates().toFile())
          .clientAuth(ClientAuth.REQUIRE)
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .build();
      // Nodes are known by their certificate, signed by the cluster's CA, not by host name:
      // addresses change, and peers are often dialled by IP.
      SslContext client = SslContextBuilder.forClient()
          .keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile())
          .trustManager(tls.trustedCertificates().toFile())
          .endpointIdentificationAlgorithm(null)
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .build();
      return new TlsContexts(server, client);
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot build TLS contexts from " + tls + ": " + e.getMessage(), e);
    }
  }
}
