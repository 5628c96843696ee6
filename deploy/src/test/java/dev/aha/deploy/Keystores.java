package dev.aha.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * PKCS12 key and trust stores for Artery TLS, made with the JDK's keytool by the same commands a user runs (README,
 * "Running a cluster"): a CA, node certificates it signs, and self-signed certificates that no node trusts. One
 * password for every store, new for each instance, so that no test depends on a fixed secret.
 */
final class Keystores {

    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");
    /** keytool reads the password from here (-storepass:env), so that it never shows on a command line. */
    private static final String PASSWORD_VARIABLE = "AHA_TEST_STORE_PASSWORD";

    private final Path dir;
    private final String password = UUID.randomUUID().toString();

    Keystores(Path dir) {
        this.dir = dir;
    }

    String password() {
        return password;
    }

    /** The CA's own store (its private key: it stays where certificates are signed, never on a node). */
    private Path ca() {
        return dir.resolve("ca.p12");
    }

    /**
     * Creates the CA and the trust store every node gets, holding the CA's certificate only.
     *
     * @return the trust store
     */
    Path createCa() throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=aha-test-ca",
                "-ext", "bc:c", "-validity", "1", "-keystore", ca().toString(), "-storetype", "PKCS12",
                "-storepass:env", PASSWORD_VARIABLE);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca().toString(),
                "-storepass:env", PASSWORD_VARIABLE, "-file", dir.resolve("ca.pem").toString());
        Path trust = dir.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", trust.toString(), "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE);
        return trust;
    }

    /**
     * A node's key store: its key, and a certificate the CA signs for 127.0.0.1 (the address other nodes dial, so
     * that hostname verification passes).
     */
    Path signed(String name) throws IOException, InterruptedException {
        Path store = selfSigned(name);
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        keytool("-certreq", "-alias", "node", "-keystore", store.toString(), "-storepass:env", PASSWORD_VARIABLE,
                "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca().toString(), "-storepass:env", PASSWORD_VARIABLE,
                "-infile", csr.toString(), "-outfile", pem.toString(), "-rfc", "-validity", "1",
                "-ext", "san=ip:127.0.0.1");
        // keytool installs a signed certificate only over a chain it can complete: the CA's certificate first
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store.toString(), "-storepass:env", PASSWORD_VARIABLE);
        keytool("-importcert", "-alias", "node", "-file", pem.toString(), "-keystore", store.toString(),
                "-storepass:env", PASSWORD_VARIABLE);
        return store;
    }

    /** A key store whose certificate nobody signed: what a stranger can make on any machine. */
    Path selfSigned(String name) throws IOException, InterruptedException {
        return generate(name, "-validity", "1");
    }

    /** A self-signed key store whose certificate expired yesterday. */
    Path expired(String name) throws IOException, InterruptedException {
        return generate(name, "-startdate", "-2d", "-validity", "1");
    }

    private Path generate(String name, String... validity) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + name, "-ext", "san=ip:127.0.0.1", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass:env", PASSWORD_VARIABLE));
        args.addAll(List.of(validity));
        keytool(args.toArray(String[]::new));
        return store;
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        // a short-lived JVM: C1 alone halves keytool's run time
        List<String> command = new ArrayList<>(List.of(KEYTOOL.toString(), "-J-XX:TieredStopAtLevel=1"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(PASSWORD_VARIABLE, password);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
