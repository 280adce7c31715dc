package io.kubestate.server;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for the metrics endpoint from PEM files, TLS 1.2 and 1.3 only. The files are checked again
 * periodically and a changed pair (cert-manager renews it, the kubelet swaps the mounted Secret)
 * serves the next connections without a restart; a pair that does not load is logged and the
 * previous one keeps serving. With a client CA, every connection must show a certificate it signed.
 */
public final class MetricsTls implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(MetricsTls.class.getName());
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The files, as given on the command line; {@code clientCa} may be null. */
  public record TlsFiles(Path certificate, Path key, Path clientCa) {}

  /** What was loaded, and the bytes it was loaded from, to tell a change from a re-read. */
  private record Loaded(String alias, PemFiles.Pair pair, X509ExtendedTrustManager clientTrust, byte[] contents) {}

  private final TlsFiles files;
  private final SSLContext context;
  private final ScheduledExecutorService checker;
  private volatile Loaded current;
  private volatile Loaded previous;
  private volatile byte[] rejected;
  private String lastProblem;
  private int generation;

  private MetricsTls(TlsFiles files, Loaded first) throws GeneralSecurityException {
    this.files = files;
    this.current = first;
    this.context = SSLContext.getInstance("TLS");
    context.init(new Keys[] {new Keys()}, files.clientCa() == null ? null : new TrustManager[] {new ClientTrust()},
        null);
    this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-tls-files");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads the files, failing with a message naming the file and the problem, and checks them for
   * changes every {@code period}.
   */
  public static MetricsTls start(TlsFiles files, Duration period) {
    byte[] contents = read(files);
    MetricsTls tls;
    try {
      tls = new MetricsTls(files, load(files, contents, "pair-0"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
    }
    logger.info("metrics endpoint over TLS with " + describe(tls.current.pair())
        + (files.clientCa() == null ? "" : "; client certificates signed by " + files.clientCa() + " required"));
    long millis = Math.max(period.toMillis(), 100);
    tls.checker.scheduleWithFixedDelay(tls::check, millis, millis, TimeUnit.MILLISECONDS);
    return tls;
  }

  /** What the metrics endpoint configures its connections with. */
  public HttpsConfigurator configurator() {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        p.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        p.setNeedClientAuth(files.clientCa() != null);
        params.setSSLParameters(p);
      }
    };
  }

  public boolean clientCertificates() {
    return files.clientCa() != null;
  }

  /** Reads the files and, when they changed, serves the new pair from the next connection on. */
  void check() {
    byte[] contents;
    try {
      contents = read(files);
    } catch (RuntimeException e) {
      reject(null, e.getMessage());
      return;
    }
    if (Arrays.equals(contents, current.contents()) || Arrays.equals(contents, rejected)) {
      return;
    }
    try {
      Loaded next = load(files, contents, "pair-" + ++generation);
      previous = current;
      current = next;
      rejected = null;
      lastProblem = null;
      logger.info("metrics TLS files changed: now serving " + describe(next.pair()));
    } catch (RuntimeException e) {
      reject(contents, e.getMessage());
    }
  }

  // Said once per problem: a file that stays missing would otherwise be logged at every check.
  private void reject(byte[] contents, String problem) {
    if (contents != null) {
      rejected = contents;
    }
    if (problem.equals(lastProblem)) {
      return;
    }
    lastProblem = problem;
    logger.severe("metrics TLS: the changed files do not load, still serving the previous certificate ("
        + describe(current.pair()) + "): " + problem);
  }

  private static Loaded load(TlsFiles files, byte[] contents, String alias) {
    PemFiles.Pair pair = PemFiles.pair(files.certificate().toString(), readFile(files.certificate()),
        files.key().toString(), readFile(files.key()));
    X509ExtendedTrustManager trust = files.clientCa() == null ? null
        : trustManager(PemFiles.certificates(files.clientCa().toString(), readFile(files.clientCa())));
    return new Loaded(alias, pair, trust, contents);
  }

  private static X509ExtendedTrustManager trustManager(List<X509Certificate> authorities) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return Arrays.stream(factory.getTrustManagers()).filter(X509ExtendedTrustManager.class::isInstance)
          .map(X509ExtendedTrustManager.class::cast).findFirst().orElseThrow();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot trust the client CA: " + e.getMessage(), e);
    }
  }

  /** The files' bytes one after the other, which is what a change is judged by. */
  private static byte[] read(TlsFiles files) {
    byte[] cert = readFile(files.certificate());
    byte[] key = readFile(files.key());
    byte[] ca = files.clientCa() == null ? new byte[0] : readFile(files.clientCa());
    byte[] all = Arrays.copyOf(cert, cert.length + key.length + ca.length + 2);
    System.arraycopy(key, 0, all, cert.length + 1, key.length);
    System.arraycopy(ca, 0, all, cert.length + key.length + 2, ca.length);
    return all;
  }

  private static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
    }
  }

  private static String describe(PemFiles.Pair pair) {
    X509Certificate leaf = pair.chain().get(0);
    return "certificate " + leaf.getSubjectX500Principal().getName() + ", serial "
        + leaf.getSerialNumber().toString(16) + ", valid until " + leaf.getNotAfter().toInstant();
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }

  /**
   * Serves whichever pair is current. The alias names the pair, so that a handshake that chose one
   * pair just before a swap still gets that pair's key and chain, not a mix of the two.
   */
  private final class Keys extends X509ExtendedKeyManager {
    private Loaded byAlias(String alias) {
      Loaded c = current;
      if (c.alias().equals(alias)) {
        return c;
      }
      Loaded p = previous;
      return p != null && p.alias().equals(alias) ? p : null;
    }

    private String choose(String keyType) {
      Loaded c = current;
      return c.pair().key().getAlgorithm().equals(keyType) ? c.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return choose(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return choose(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String alias = choose(keyType);
      return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Loaded l = byAlias(alias);
      return l == null ? null : l.pair().chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Loaded l = byAlias(alias);
      return l == null ? null : l.pair().key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** Checks client certificates against the current client CA. */
  private final class ClientTrust extends X509ExtendedTrustManager {
    private X509ExtendedTrustManager trust() {
      return current.clientTrust();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      trust().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      trust().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      trust().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the metrics endpoint is not a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the metrics endpoint is not a client");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the metrics endpoint is not a client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return trust().getAcceptedIssuers();
    }
  }
}
