package dev.aha.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.config.AhaConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    @Test
    void shouldReadTheReferenceDefaults() {
        AgentSettings s = AgentSettings.fromConfig(AhaConfig.load().getConfig("aha.agent"));
        assertTrue(s.tools());
        assertEquals(Duration.ofSeconds(5), s.callTimeout());
        assertTrue(s.maxTurns() >= 2 && s.maxTokens() > 0);
    }

    @Test
    void shouldRefuseLimitsBelowOneNamingTheKey() {
        for (String key : new String[] {"max-turns", "max-tokens", "max-output-chars", "threads", "queue"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(
                    ConfigFactory.parseString(key + " = 0").withFallback(AhaConfig.load().getConfig("aha.agent"))));
            assertEquals("aha.agent." + key + " must be at least 1, was 0", e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(
                ConfigFactory.parseString("call-timeout = 0s").withFallback(AhaConfig.load().getConfig("aha.agent"))));
        assertTrue(e.getMessage().startsWith("aha.agent.call-timeout must be positive"));
    }
}
