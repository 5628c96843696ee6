package dev.aha.runtime.agent;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code aha.agent}: the limits of multi-turn episodes and the pool their environments run on (see reference.conf).
 *
 * @param tools whether the policy's tool calls run (off: the control, each call answered "tools are off")
 * @param maxTurns assistant turns per episode; the episode is cut after the last
 * @param maxTokens tokens of a trajectory, the policy's and the observations' together
 * @param callTimeout time of one tool call or one environment reply; past it the call ends as an error
 * @param maxOutputChars characters of a tool's result the policy sees; the rest is cut and counted
 * @param threads the environment pool's threads
 * @param queue calls waiting for a thread; past it a call is refused and counted
 */
public record AgentSettings(boolean tools, int maxTurns, int maxTokens, Duration callTimeout, int maxOutputChars,
        int threads, int queue) {

    public AgentSettings {
        positive(maxTurns, "max-turns");
        positive(maxTokens, "max-tokens");
        positive(maxOutputChars, "max-output-chars");
        positive(threads, "threads");
        positive(queue, "queue");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("aha.agent.call-timeout must be positive, was " + callTimeout);
        }
    }

    /** Reads {@code aha.agent} (see reference.conf). */
    public static AgentSettings fromConfig(Config c) {
        return new AgentSettings(c.getBoolean("tools"), c.getInt("max-turns"), c.getInt("max-tokens"),
                c.getDuration("call-timeout"), c.getInt("max-output-chars"), c.getInt("threads"), c.getInt("queue"));
    }

    public AgentSettings withTools(boolean on) {
        return new AgentSettings(on, maxTurns, maxTokens, callTimeout, maxOutputChars, threads, queue);
    }

    public AgentSettings withCallTimeout(Duration timeout) {
        return new AgentSettings(tools, maxTurns, maxTokens, timeout, maxOutputChars, threads, queue);
    }

    private static void positive(long value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException("aha.agent." + key + " must be at least 1, was " + value);
        }
    }
}
