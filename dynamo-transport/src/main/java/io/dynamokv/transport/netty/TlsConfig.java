package io.dynamokv.transport.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS between nodes: this node's certificate chain and private key, and the certificates
 * (usually one CA) it trusts. Every connection, in both directions, requires the other side to
 * present a certificate signed by a trusted one; a node without one cannot talk to the cluster.
 *
 * @param certificateChain PEM file: this node's certificate, then any intermediates
 * @param privateKey PEM file: this node's PKCS#8 private key, unencrypted
 * @param trustedCertificates PEM file: the certificates this node trusts
 */
public record TlsConfig(Path certificateChain, Path privateKey, Path trustedCertificates) {

  /** Validates that the files exist and can be read. */
  public TlsConfig {
    for (Path p : new Path[] {certificateChain, privateKey, trustedCertificates}) {
      Objects.requireNonNull(p, "path");
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file " + p + " does not exist or cannot be read");
      }
    }
  }
}
