package dev.aha.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.aha.app.cli.Aha;
import dev.aha.runtime.config.AhaConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HttpSettingsTest {

    private static HttpSettings with(String hocon) {
        return HttpSettings.fromConfig(ConfigFactory.parseString(hocon)
                .withFallback(AhaConfig.load().getConfig("aha.http")));
    }

    @Test
    void theDefaultsServeNothingAndBindLoopback() {
        HttpSettings s = with("");
        assertFalse(s.enabled());
        assertEquals("127.0.0.1", s.host());
        assertTrue(with("port = 9464").enabled());
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("port = 70000")).getMessage()
                .startsWith("aha.http.port must be in [0, 65535]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("host = \"\"")).getMessage()
                .startsWith("aha.http.host must name an interface"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("push-interval = 10ms")).getMessage()
                .startsWith("aha.http.push-interval must be at least 100ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> with("threads = 0")).getMessage()
                .startsWith("aha.http.threads and aha.http.max-connections must be at least 1"));
    }

    @Test
    void aBadPortStopsTrainingBeforeItStartsInOneLine(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute("train", "--backend", "simulated", "--minutes", "0.05", "--out",
                dir.resolve("run").toString(), "--set", "aha.http.port=-1"));
        assertEquals("aha train: aha.http.port must be in [0, 65535] (0 = off), was -1", err.toString().strip());
    }

    @Test
    void configCheckRefusesThemToo(@TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("node.conf"), "aha.http.push-interval = 1ms\n");
        StringWriter err = new StringWriter();
        CommandLine cli = Aha.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute("config", "check", file.toString(), "--roles", "reward"));
        assertTrue(err.toString().strip().startsWith("aha config check: aha.http.push-interval must be at least 100ms"),
                err.toString());
    }
}
