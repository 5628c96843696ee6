package dev.aha.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingOverridesTest {

    private static Config parse(String... assignments) {
        return SettingOverrides.parse(List.of(assignments));
    }

    @Test
    void numbersAndBooleansKeepTheirTypes() {
        Config c = parse("aha.policy.layers=2", "aha.grpo.beta=0.1", "a.flag=true");
        assertEquals(ConfigValueType.NUMBER, c.getValue("aha.policy.layers").valueType());
        assertEquals(2, c.getInt("aha.policy.layers"));
        assertEquals(0.1, c.getDouble("aha.grpo.beta"));
        assertEquals(ConfigValueType.BOOLEAN, c.getValue("a.flag").valueType());
    }

    @Test
    void pathsAndUrlsAreTheirTextWithoutQuotes() {
        Config c = parse("aha.tokenizer=/data//models/qwen3", "a.url=http://host:8080/x#y", "a.win=C:\\models\\q",
                "a.spaced=/my models/q", "a.note=1 # not a number", "a.empty=");
        assertEquals("/data//models/qwen3", c.getString("aha.tokenizer"));
        assertEquals("http://host:8080/x#y", c.getString("a.url"));
        assertEquals("C:\\models\\q", c.getString("a.win"));
        assertEquals("/my models/q", c.getString("a.spaced"));
        assertEquals("1 # not a number", c.getString("a.note"));
        assertEquals("", c.getString("a.empty"));
    }

    @Test
    void listsObjectsQuotedStringsAndSubstitutionsAreHocon() {
        Config c = parse("a.list=[1, 2, 3]", "a.words=[x, \"y z\"]", "a.object={ k = 1, j = two }",
                "a.quoted=\"a = b\"", "a.copy=${a.object.j}").resolve();
        assertEquals(List.of(1, 2, 3), c.getIntList("a.list"));
        assertEquals(List.of("x", "y z"), c.getStringList("a.words"));
        assertEquals(1, c.getInt("a.object.k"));
        assertEquals("a = b", c.getString("a.quoted"));
        assertEquals("two", c.getString("a.copy"));
    }

    @Test
    void theLastAssignmentOfAKeyWinsAndObjectsMerge() {
        Config c = parse("a.b=1", "a.b=2", "a.o={x=1}", "a.o.y=2");
        assertEquals(2, c.getInt("a.b"));
        assertEquals(1, c.getInt("a.o.x"));
        assertEquals(2, c.getInt("a.o.y"));
    }

    @Test
    void anAssignmentWithoutKeyOrEqualsIsRefusedNamingIt() {
        IllegalArgumentException noEquals = assertThrows(IllegalArgumentException.class,
                () -> parse("aha.policy.layers"));
        assertEquals("--set takes KEY=VALUE, was 'aha.policy.layers'", noEquals.getMessage());
        IllegalArgumentException noKey = assertThrows(IllegalArgumentException.class, () -> parse("=3"));
        assertTrue(noKey.getMessage().contains("'=3'"), noKey.getMessage());
        IllegalArgumentException badKey = assertThrows(IllegalArgumentException.class, () -> parse("aha..x=3"));
        assertTrue(badKey.getMessage().startsWith("--set aha..x=3: 'aha..x' is not a configuration key"),
                badKey.getMessage());
    }

    @Test
    void anUnknownAhaKeyIsRefusedNamingTheAssignmentAndTheNearestKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("aha.policy.layers=2", "aha.grpo.betta=0.1"));
        assertEquals("--set aha.grpo.betta=0.1: unknown configuration key aha.grpo.betta (did you mean "
                + "aha.grpo.beta?)", e.getMessage());
        Config free = parse("pekko.loglevel=DEBUG", "aha.train.chat-flags.enable_thinking=false");
        assertEquals("DEBUG", free.getString("pekko.loglevel")); // other libraries' keys are theirs to check
        assertEquals(false, free.getBoolean("aha.train.chat-flags.enable_thinking")); // a free-form section
    }

    @Test
    void aBrokenListIsRefusedNotTakenAsText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("a.list=[1, 2"));
        assertTrue(e.getMessage().startsWith("--set a.list=[1, 2: the value is not HOCON"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
