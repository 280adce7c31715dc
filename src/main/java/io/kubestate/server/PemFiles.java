package io.kubestate.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what cert-manager and {@code kubectl create secret tls} write: PEM certificates (the
 * serving certificate first, then its chain) and a PEM private key, PKCS#8 or an RSA key in PKCS#1.
 * Every failure is an {@link IllegalArgumentException} whose message a user can act on.
 */
final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  /** rsaEncryption, 1.2.840.113549.1.1.1, with its NULL parameters, as DER. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private PemFiles() {}

  /** A key and the certificate chain that goes with it. */
  record Pair(PrivateKey key, List<X509Certificate> chain) {
    Pair {
      chain = List.copyOf(chain);
    }
  }

  static List<X509Certificate> certificates(String source, byte[] pem) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks(pem)) {
        if (b.type().equals("CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(source + ": not a valid certificate: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(source + ": no PEM block CERTIFICATE");
    }
    return out;
  }

  static PrivateKey privateKey(String source, byte[] pem) {
    for (Block b : blocks(pem)) {
      switch (b.type()) {
        case "PRIVATE KEY":
          return decode(source, b.der());
        case "RSA PRIVATE KEY":
          return decode(source, pkcs8(b.der()));
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException(source + ": an EC key in SEC1 form (EC PRIVATE KEY); give it as PKCS#8 "
              + "(PRIVATE KEY): `openssl pkcs8 -topk8 -nocrypt`, or privateKey.encoding: PKCS8 with cert-manager");
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(source + ": the private key is encrypted; give it unencrypted");
        default:
          break;
      }
    }
    throw new IllegalArgumentException(source + ": no PEM block PRIVATE KEY or RSA PRIVATE KEY");
  }

  /** The pair, after checking that the key is the one the first certificate was issued for. */
  static Pair pair(String certSource, byte[] certPem, String keySource, byte[] keyPem) {
    List<X509Certificate> chain = certificates(certSource, certPem);
    PrivateKey key = privateKey(keySource, keyPem);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException("the key in " + keySource + " does not belong to the certificate in "
          + certSource + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return new Pair(key, chain);
  }

  // A signature made with the key and checked with the certificate's public key: the one test that
  // works alike for every key type the JDK signs with.
  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return true; // a key type the JDK reads but this check does not know: the handshake will tell
    }
    if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
      return false;
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static PrivateKey decode(String source, byte[] pkcs8) {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(source + ": not an RSA, EC or EdDSA private key");
  }

  /** A PKCS#1 RSA key wrapped as PKCS#8: version 0, the algorithm, the key as an octet string. */
  private static byte[] pkcs8(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(length(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(length(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
    byte[] out = new byte[bytes + 1];
    out[0] = (byte) (0x80 | bytes);
    for (int i = bytes; i > 0; i--, n >>>= 8) {
      out[i] = (byte) n;
    }
    return out;
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(byte[] pem) {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    List<Block> out = new ArrayList<>();
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        // not base64 after all: the caller reports what it did not find
      }
    }
    return out;
  }
}
