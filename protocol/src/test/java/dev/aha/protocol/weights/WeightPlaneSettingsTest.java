package dev.aha.protocol.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** aha.weights.wire-dtype, resend-interval and secret: read, defaulted and refused as reference.conf documents. */
class WeightPlaneSettingsTest {

    private static WeightPlaneSettings read(String overrides) {
        Config c = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
        return WeightPlaneSettings.fromConfig(c.getConfig("aha.weights"));
    }

    @Test
    void shouldSendFloat32UnlessToldOtherwise() {
        assertEquals(WireDtype.F32, read("").wireDtype());
        assertEquals(WireDtype.BF16, read("aha.weights.wire-dtype = bf16").wireDtype());
        assertEquals(WireDtype.BF16, read("aha.weights.wire-dtype = BF16").wireDtype());
        assertEquals(WireDtype.BF16, read("").withWireDtype(WireDtype.BF16).withHost("10.0.0.1").wireDtype(),
                "the with* copies keep the dtype");
    }

    @Test
    void shouldRefuseAnUnknownDtypeNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("aha.weights.wire-dtype = fp8"));
        assertTrue(e.getMessage().contains("aha.weights.wire-dtype"), e.getMessage());
    }

    @Test
    void shouldHalveTheWireBytesOnlyForBf16AndOnlyForWholeFloats() {
        assertEquals(4096, WireDtype.F32.wireBytes(4096));
        assertEquals(2048, WireDtype.BF16.wireBytes(4096));
        assertEquals(3L << 30, WireDtype.BF16.wireBytes(6L << 30), "sizes past 2 GiB");
        assertThrows(IllegalArgumentException.class, () -> WireDtype.BF16.wireBytes(4094));
        assertThrows(IllegalArgumentException.class, () -> WireDtype.F32.wireBytes(0));
    }

    @Test
    void shouldRunWithoutASecretUnlessGivenOneAndNeverShowIt() {
        WeightPlaneSettings none = read("");
        assertFalse(none.secret().isSet());
        assertEquals(Duration.ofMillis(250), none.resendInterval());
        WeightPlaneSettings set = read("aha.weights.secret = \"0123456789abcdef\"").withHost("10.0.0.1");
        assertEquals("0123456789abcdef", set.secret().value(), "the with* copies keep the secret");
        assertFalse(set.toString().contains("0123456789abcdef"), set.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("aha.weights.secret = short"));
        assertTrue(e.getMessage().contains("aha.weights.secret") && e.getMessage().contains("16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("aha.weights.resend-interval = 0s"));
    }
}
