package io.dynamokv.transport.netty;

import io.dynamokv.spi.PeerIdentity;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads who a peer's certificate says it is. A node's certificate names its node id in a subject
 * alternative name of type URI, {@code urn:dynamokv:node:<id>}; any other certificate the
 * cluster's authority signed is a client's, known by its subject's common name. A certificate
 * that names two node ids is refused: it could speak for either.
 */
final class CertificateIdentity {

  /** The prefix of the URI that names a node in its certificate. */
  static final String NODE_URI_PREFIX = "urn:dynamokv:node:";

  private static final int SAN_URI = 6;

  private CertificateIdentity() {}

  /** Returns the identity the session's peer certificate proves. */
  static PeerIdentity of(SSLSession session) throws SSLPeerUnverifiedException {
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
    }
    return of(cert);
  }

  static PeerIdentity of(X509Certificate cert) throws SSLPeerUnverifiedException {
    Optional<String> node = Optional.empty();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      for (List<?> name : names == null ? List.<List<?>>of() : names) {
        if (name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0))
            && name.get(1) instanceof String uri && uri.startsWith(NODE_URI_PREFIX)) {
          String id = uri.substring(NODE_URI_PREFIX.length());
          if (node.isPresent() && !node.get().equals(id)) {
            throw new SSLPeerUnverifiedException("the certificate of " + cert.getSubjectX500Principal()
                + " names two nodes: " + node.get() + " and " + id);
          }
          node = Optional.of(id);
        }
      }
    } catch (CertificateParsingException e) {
      throw new SSLPeerUnverifiedException("unreadable subject alternative names: " + e.getMessage());
    }
    if (node.isPresent() && !node.get().isEmpty()) {
      return PeerIdentity.node(node.get());
    }
    return PeerIdentity.client(commonName(cert));
  }

  private static String commonName(X509Certificate cert) throws SSLPeerUnverifiedException {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      throw new SSLPeerUnverifiedException("unreadable subject: " + e.getMessage());
    }
    throw new SSLPeerUnverifiedException("the certificate of " + cert.getSubjectX500Principal()
        + " names neither a node (" + NODE_URI_PREFIX + "<id>) nor a common name");
  }
}
