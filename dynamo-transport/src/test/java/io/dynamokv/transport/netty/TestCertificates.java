package io.dynamokv.transport.netty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a certificate authority and node certificates signed by it, with the JDK's
 * {@code keytool}, as PEM files that {@link TlsConfig} reads. Test-only: short validity, fixed
 * store password.
 */
final class TestCertificates {

  private static final String PASSWORD = "test-only";

  private final Path dir;

  TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Creates a CA named {@code ca} and returns the path of its certificate (PEM). */
  Path authority(String ca) throws Exception {
    keytool("-genkeypair", "-alias", ca, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + ca,
        "-ext", "bc:c", "-validity", "2", "-keystore", store(ca).toString(), "-storepass", PASSWORD);
    Path pem = dir.resolve(ca + ".pem");
    keytool("-exportcert", "-rfc", "-alias", ca, "-keystore", store(ca).toString(), "-storepass", PASSWORD,
        "-file", pem.toString());
    return pem;
  }

  /**
   * Creates a node key and a certificate for it signed by {@code ca}, naming node {@code node}
   * ({@code urn:dynamokv:node:<node>}); returns its TLS settings.
   */
  TlsConfig node(String node, String ca, Path trusted) throws Exception {
    return certificate(node, ca, trusted, ",uri:" + CertificateIdentity.NODE_URI_PREFIX + node);
  }

  /** As {@link #node}, for a client: a certificate that names no node, only its common name. */
  TlsConfig client(String name, String ca, Path trusted) throws Exception {
    return certificate(name, ca, trusted, "");
  }

  private TlsConfig certificate(String node, String ca, Path trusted, String moreNames) throws Exception {
    keytool("-genkeypair", "-alias", node, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + node,
        "-validity", "2", "-keystore", store(node).toString(), "-storepass", PASSWORD);
    Path csr = dir.resolve(node + ".csr");
    keytool("-certreq", "-alias", node, "-keystore", store(node).toString(), "-storepass", PASSWORD,
        "-file", csr.toString());
    Path cert = dir.resolve(node + ".crt");
    keytool("-gencert", "-alias", ca, "-keystore", store(ca).toString(), "-storepass", PASSWORD,
        "-infile", csr.toString(), "-outfile", cert.toString(), "-rfc", "-validity", "2",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost" + moreNames);
    return new TlsConfig(cert, privateKeyPem(node), trusted);
  }

  private Path store(String alias) {
    return dir.resolve(alias + ".p12");
  }

  /** keytool cannot export a private key; the KeyStore API can, as PKCS#8, which PEM wraps. */
  private Path privateKeyPem(String node) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store(node))) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Key key = ks.getKey(node, PASSWORD.toCharArray());
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    Path pem = dir.resolve(node + ".key");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    return pem;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + new String(output, StandardCharsets.UTF_8));
    }
  }
}
