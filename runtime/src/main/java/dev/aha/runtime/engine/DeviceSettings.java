package dev.aha.runtime.engine;

import ai.djl.Device;
import com.typesafe.config.Config;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each role's NDArrays live ({@code aha.device}, {@code aha.learner-device}, {@code aha.rollout-device}). GPU
 * use is configuration: every NDManager of a role is made on its device, and no code path differs.
 *
 * @param learner the learner's device: its policy, reference, optimiser state, cold start and evaluations
 * @param rollout every rollout replica's device in this JVM
 */
public record DeviceSettings(Device learner, Device rollout) {

    private static final Pattern NAME = Pattern.compile("cpu|gpu(?::(\\d+))?");

    public static DeviceSettings cpu() {
        return new DeviceSettings(Device.cpu(), Device.cpu());
    }

    /** Reads the {@code aha} block's device keys; an empty role key means {@code aha.device}. */
    public static DeviceSettings fromConfig(Config aha) {
        Device all = parse("aha.device", aha.getString("device"));
        return new DeviceSettings(role(aha, "learner-device", all), role(aha, "rollout-device", all));
    }

    private static Device role(Config aha, String key, Device fallback) {
        String value = aha.getString(key);
        return value.isBlank() ? fallback : parse("aha." + key, value);
    }

    /** {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. */
    public static Device parse(String key, String value) {
        Matcher m = NAME.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " must be cpu, gpu or gpu:N, was '" + value + "'");
        }
        if (value.trim().equals("cpu")) {
            return Device.cpu();
        }
        return Device.gpu(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
    }

    /** Fails in one line when a role asks for a GPU the engine does not have; loads the engine to ask. */
    public void requireAvailable() {
        require("learner", learner);
        require("rollout", rollout);
    }

    private static void require(String role, Device device) {
        if (!device.isGpu()) {
            return;
        }
        int gpus = ComputeThreads.engine().getGpuCount();
        if (device.getDeviceId() >= gpus) {
            throw new IllegalArgumentException("the " + role + " asks for " + device + " but the PyTorch engine sees "
                    + gpus + " GPU(s)" + (gpus == 0 ? ": this build carries the CPU libtorch (build with -Pcuda on "
                    + "a CUDA machine, see README)" : ""));
        }
    }
}
