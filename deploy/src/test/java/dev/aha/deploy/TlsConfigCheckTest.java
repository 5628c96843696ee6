package dev.aha.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With Artery on TLS, a node checks its key and trust stores before it starts (and {@code aha config check} does the
 * same), since Pekko would only open them at the first connection: a seed with a wrong password would train alone.
 * Each broken setting is refused in one line that names it.
 */
class TlsConfigCheckTest {

    @TempDir
    static Path dir;

    private static Keystores stores;
    private static Path trust;
    private static Path node;
    private static Path expired;

    @BeforeAll
    static void makeStores() throws IOException, InterruptedException {
        stores = new Keystores(dir);
        trust = stores.createCa();
        node = stores.selfSigned("node");
        expired = stores.expired("old");
    }

    @Test
    void storesThatOpenPass() throws IOException {
        Path file = conf(node, stores.password(), stores.password(), trust, "on");
        assertEquals(0, ShippedConfigsTest.check(file, "rollout"));
    }

    @Test
    void plainTcpChecksNoStores() throws IOException {
        Path file = dir.resolve("tcp.conf");
        Files.writeString(file, "pekko.remote.artery.ssl.config-ssl-engine.key-store = \"/nowhere.p12\"\n");
        assertEquals(0, ShippedConfigsTest.check(file, "rollout"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "wrong password      | node    | wrong | wrong | trust | on  | cannot be opened with key-store-password",
        "password left unset | node    |       |       | trust | on  | Pekko's placeholder 'changeme'",
        "wrong key password  | node    | ok    | wrong | trust | on  | key-password does not open the key",
        "trust store as keys | trust   | ok    | ok    | trust | on  | holds no private key",
        "no trusted cert     | node    | ok    | ok    | node  | on  | holds no trusted certificate",
        "missing key store   | missing | ok    | ok    | trust | on  | no such file",
        "expired certificate | expired | ok    | ok    | trust | on  | not valid now",
        "no mutual auth      | node    | ok    | ok    | trust | off | require-mutual-authentication is off"})
    void brokenSettingIsNamed(String name, String keyStore, String storePassword, String keyPassword,
            String trustStore, String mutual, String message) throws IOException {
        Path file = conf(store(keyStore), password(storePassword), password(keyPassword), store(trustStore), mutual);
        ShippedConfigsTest.Outcome o = ShippedConfigsTest.checkOutcome(file, "rollout");
        assertEquals(1, o.code(), name + ": " + o.err());
        assertTrue(o.err().contains(message), name + ": " + o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line, no stack trace: " + o.err());
    }

    /** "ok" is the stores' password; null leaves the setting out. */
    private static String password(String given) {
        return "ok".equals(given) ? stores.password() : given;
    }

    private static Path store(String which) {
        return switch (which) {
            case "node" -> node;
            case "trust" -> trust;
            case "expired" -> expired;
            default -> dir.resolve(which + ".p12");
        };
    }

    /** A node's TLS settings; a null password is left out, so Pekko's reference.conf supplies its placeholder. */
    private static Path conf(Path keyStore, String storePassword, String keyPassword, Path trustStore, String mutual)
            throws IOException {
        StringBuilder c = new StringBuilder("pekko.remote.artery.transport = tls-tcp\n")
                .append("pekko.remote.artery.ssl.config-ssl-engine {\n")
                .append("  key-store = \"").append(keyStore).append("\"\n")
                .append("  trust-store = \"").append(trustStore).append("\"\n")
                .append("  trust-store-password = \"").append(stores.password()).append("\"\n")
                .append("  require-mutual-authentication = ").append(mutual).append('\n');
        if (storePassword != null) {
            c.append("  key-store-password = \"").append(storePassword).append("\"\n");
        }
        if (keyPassword != null) {
            c.append("  key-password = \"").append(keyPassword).append("\"\n");
        }
        Path file = Files.createTempFile(dir, "tls", ".conf");
        Files.writeString(file, c.append("}\n"));
        return file;
    }
}
