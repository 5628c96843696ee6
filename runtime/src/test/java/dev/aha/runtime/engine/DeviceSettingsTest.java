package dev.aha.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DeviceSettingsTest {

    @Test
    void roleKeysOverrideTheDefaultAndEmptyMeansTheDefault() {
        DeviceSettings d = DeviceSettings.fromConfig(ConfigFactory.parseString(
                "device = gpu, learner-device = \"gpu:1\", rollout-device = \"\""));
        assertEquals(Device.gpu(1), d.learner());
        assertEquals(Device.gpu(0), d.rollout());
        assertEquals(DeviceSettings.cpu(), DeviceSettings.fromConfig(ConfigFactory.parseString(
                "device = cpu, learner-device = \"\", rollout-device = \"\"")));
    }

    @Test
    void refusesANameThatIsNoDevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceSettings.parse("aha.device", "cuda:0"));
        assertTrue(e.getMessage().contains("aha.device must be cpu, gpu or gpu:N, was 'cuda:0'"), e.getMessage());
    }

    @Test
    void askingForAGpuTheEngineDoesNotSeeFailsInOneLine() {
        int gpus = ComputeThreads.engine().getGpuCount();
        DeviceSettings beyond = new DeviceSettings(Device.cpu(), Device.gpu(gpus));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, beyond::requireAvailable);
        assertTrue(e.getMessage().startsWith("the rollout asks for gpu(" + gpus + ")"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
