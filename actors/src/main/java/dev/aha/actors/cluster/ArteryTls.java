package dev.aha.actors.cluster;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import org.apache.pekko.event.NoMarkerLogging$;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;

/**
 * Start-up check of Artery's TLS settings ({@code pekko.remote.artery.transport = tls-tcp}). Pekko opens the key and
 * trust stores lazily, at the first connection: a node with a wrong password or path starts, and a seed then trains
 * alone while every node that tries to join is turned away, with the cause only in the seed's log. Checked here, the
 * node refuses to start and says which setting is wrong.
 */
public final class ArteryTls {

    private static final String TRANSPORT = "pekko.remote.artery.transport";
    private static final String PROVIDER = "pekko.remote.artery.ssl.ssl-engine-provider";
    private static final String ENGINE = "pekko.remote.artery.ssl.config-ssl-engine";
    /** What Pekko's reference.conf has for every password: left in place when an environment variable is unset. */
    private static final String PEKKO_PLACEHOLDER = "changeme";

    private ArteryTls() {}

    /**
     * @throws IllegalArgumentException naming the setting when TLS is on and a store cannot be opened, holds no key or
     *     no trusted certificate, the node's certificate is not valid now, mutual authentication is off, or Pekko
     *     cannot build its TLS engine from the settings (protocol, enabled algorithms)
     */
    public static void check(Config config) {
        if (!"tls-tcp".equals(config.getString(TRANSPORT))
                || !ConfigSSLEngineProvider.class.getName().equals(config.getString(PROVIDER))) {
            return; // plain TCP, or another engine provider, which reads settings of its own
        }
        Config c = config.getConfig(ENGINE);
        if (!c.getBoolean("require-mutual-authentication")) {
            // Without it only the connecting side checks a certificate: anyone who trusts our CA could join.
            throw new IllegalArgumentException(ENGINE + ".require-mutual-authentication is off: with TLS on, every "
                    + "node must prove its certificate, or any client that can reach the port joins the cluster");
        }
        KeyStore keys = open(c, "key-store", "key-store-password");
        checkKeyEntry(keys, c);
        checkTrustAnchor(open(c, "trust-store", "trust-store-password"), c);
        try {
            new ConfigSSLEngineProvider(c, NoMarkerLogging$.MODULE$).createServerSSLEngine("localhost", 0);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(ENGINE + ": Pekko cannot build its TLS engine (protocol "
                    + c.getString("protocol") + ", enabled-algorithms " + c.getStringList("enabled-algorithms")
                    + "): " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
    }

    private static KeyStore open(Config c, String store, String password) {
        String file = c.getString(store);
        if (!Files.isRegularFile(Path.of(file))) {
            throw new IllegalArgumentException(ENGINE + "." + store + ": no such file " + file);
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            // the type Pekko's ConfigSSLEngineProvider loads, so that what passes here also passes there
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, c.getString(password).toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(ENGINE + "." + store + " " + file + " cannot be opened with "
                    + password + ": " + e.getMessage() + placeholderHint(c, password), e);
        }
    }

    /** The node must present a certificate: a key entry that key-password opens, valid today. */
    private static void checkKeyEntry(KeyStore keys, Config c) {
        String file = c.getString("key-store");
        try {
            for (String alias : Collections.list(keys.aliases())) {
                if (!keys.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    continue;
                }
                keys.getKey(alias, c.getString("key-password").toCharArray());
                Certificate cert = keys.getCertificate(alias);
                if (cert instanceof X509Certificate x509) {
                    x509.checkValidity();
                }
                return;
            }
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(ENGINE + ".key-password does not open the key in " + file + ": "
                    + e.getMessage() + placeholderHint(c, "key-password"), e);
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalArgumentException(ENGINE + ".key-store " + file + ": the node's certificate is not "
                    + "valid now: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(ENGINE + ".key-store " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(ENGINE + ".key-store " + file + " holds no private key: it must hold this "
                + "node's key and certificate (is it the trust store?)");
    }

    /** Without a trusted certificate no peer can ever be verified: every handshake would fail. */
    private static void checkTrustAnchor(KeyStore trust, Config c) {
        String file = c.getString("trust-store");
        try {
            for (String alias : Collections.list(trust.aliases())) {
                if (trust.isCertificateEntry(alias)) {
                    return;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(ENGINE + ".trust-store " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(ENGINE + ".trust-store " + file + " holds no trusted certificate "
                + "(import the certificate of the CA that signs the nodes' certificates)");
    }

    private static String placeholderHint(Config c, String password) {
        return PEKKO_PLACEHOLDER.equals(c.getString(password))
                ? " (" + password + " is Pekko's placeholder '" + PEKKO_PLACEHOLDER + "': is the environment variable "
                        + "it is set from exported?)"
                : "";
    }
}
