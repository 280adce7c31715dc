package io.kubestate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates for TLS tests, made by the JDK's keytool (no extra library), each also
 * written as PEM: what OTEL_EXPORTER_OTLP_CERTIFICATE, _CLIENT_KEY and _CLIENT_CERTIFICATE take.
 */
public final class Certificates {
  private Certificates() {}

  /**
   * A key and its self-signed certificate, valid for 127.0.0.1 and localhost.
   *
   * @param keyStore PKCS#12 holding both, under alias {@code key}
   * @param certificatePem the certificate, which is also the CA a peer trusts
   * @param keyPem the private key, PKCS#8
   */
  public record Identity(Path keyStore, String password, Path certificatePem, Path keyPem) {}

  public static Identity selfSigned(Path dir, String commonName) {
    Path keyStore = dir.resolve(commonName + ".p12");
    String password = "changeit";
    try {
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
          "-dname", "CN=" + commonName, "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password)
          .redirectErrorStream(true).start();
      String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        store.load(in, password.toCharArray());
      }
      Path cert = Files.writeString(dir.resolve(commonName + ".crt"),
          pem("CERTIFICATE", store.getCertificate("key").getEncoded()));
      Path key = Files.writeString(dir.resolve(commonName + ".key"),
          pem("PRIVATE KEY", store.getKey("key", password.toCharArray()).getEncoded()));
      return new Identity(keyStore, password, cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
