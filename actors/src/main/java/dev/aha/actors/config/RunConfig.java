package dev.aha.actors.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.engine.DeviceSettings;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.sandbox.SandboxSettings;
import dev.aha.runtime.sandbox.SharedSandboxes;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.simulation.SimulationSettings;
import dev.aha.runtime.task.ArithmeticSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.Tasks;
import dev.aha.runtime.tokenizer.HfTokenizer;
import dev.aha.runtime.tokenizer.Tokenizer;
import dev.aha.runtime.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Every typed setting of a run, read once from the layered config; invalid values fail here, at start. */
public record RunConfig(
        Config raw,
        TrainSettings train,
        PolicyFactory policy,
        SamplingSettings sampling,
        GrpoSettings grpo,
        AdamWSettings optimizer,
        RewardSettings reward,
        ArithmeticSettings arithmetic,
        PromptTemplate template,
        Tokenizer tokenizer,
        Backend backend,
        SimulationSettings simulation,
        DeviceSettings devices) {

    /** Where policies run (aha.backend). */
    public enum Backend {
        /** The transformer on DJL. */
        TORCH,
        /** Modelled devices that spend aha.simulation's costs as wall time. */
        SIMULATED
    }

    /**
     * The policy and tokenizer as a checkpoint records them (policy.json): the factory's description plus
     * {@code tokenizer}, {@code char} or the absolute directory.
     */
    public ObjectNode policyDescription() {
        ObjectNode d = policy.describe();
        String name = raw.getString("aha.tokenizer");
        d.put("tokenizer", Tokenizers.CHAR.equals(name) ? name : Path.of(name).toAbsolutePath().normalize().toString());
        return d;
    }

    /** These settings with another policy (the one a checkpoint describes). */
    public RunConfig withPolicy(PolicyFactory other) {
        return new RunConfig(raw, train, other, sampling, grpo, optimizer, reward, arithmetic, template, tokenizer,
                backend, simulation, devices);
    }

    /**
     * The rules that hold across sections for a training run, checked once at start-up: a positive sampling
     * temperature (the learner scores log-probs at it, so 0 would make every ratio NaN), room in the context for a
     * prompt next to max-new-tokens, and rollouts to sample with.
     *
     * @param hostsRollouts whether this node runs rollouts (a seed may leave them all to joining nodes)
     */
    public RunConfig requireTrainable(boolean hostsRollouts) {
        if (!(sampling.temperature() > 0)) {
            throw new IllegalArgumentException("aha.sampling.temperature must be > 0 to train (the learner scores "
                    + "log-probs at the sampling temperature), was " + sampling.temperature());
        }
        if (!simulated() && sampling.maxNewTokens() >= policy.contextLength()) {
            throw new IllegalArgumentException("aha.sampling.max-new-tokens (" + sampling.maxNewTokens()
                    + ") leaves no room for a prompt in the policy's context of " + policy.contextLength() + " tokens");
        }
        if (hostsRollouts && train.rollouts() < 1) {
            throw new IllegalArgumentException("aha.train.rollouts must be at least 1 on a node that samples, was "
                    + train.rollouts());
        }
        return this;
    }

    public boolean simulated() {
        return backend == Backend.SIMULATED;
    }

    /** Whether the run's task is judged by running code (humaneval, tinycode). */
    public boolean codeTask() {
        return Tasks.isCode(train.task());
    }

    /**
     * The run's reward. A code task's accuracy runs each program in the JVM's shared sandbox, started (and checked)
     * on first use: {@link #from} does that for a code task, so a missing bubblewrap stops the run at start-up.
     */
    public CompositeReward rewards() {
        return codeTask() ? reward.composeForCode(sandbox()) : reward.compose();
    }

    /** A code task's accuracy reward, what its evaluations judge with; null for tasks judged by their answer. */
    public RewardFunction codeAccuracy() {
        return codeTask() ? new CodeExecutionReward(sandbox(), reward.codePartialCredit()) : null;
    }

    /** The held-out evaluator of this run's settings, judging as its reward does. */
    public Evaluator evaluator(Policy policy, int k) {
        Evaluator evaluator = new Evaluator(policy, tokenizer, template, sampling, k, train.seed() + 17,
                reward.extract());
        return codeTask() ? evaluator.scoringWith(codeAccuracy(), codeEvaluationPool()) : evaluator;
    }

    /** Where a code task's evaluations run their samples side by side; null for other tasks. */
    public CodeRunPool codeEvaluationPool() {
        return codeTask() ? SharedSandboxes.evaluationPool(sandboxSettings()) : null;
    }

    /** {@code aha.sandbox}. */
    public SandboxSettings sandboxSettings() {
        return SandboxSettings.fromConfig(raw.getConfig("aha.sandbox"));
    }

    /** A code task's outcome classes so far in this JVM (training rewards and evaluations); null for other tasks. */
    public Map<String, Long> codeOutcomes() {
        return codeTask() ? sandbox().outcomes().snapshot() : null;
    }

    private Sandbox sandbox() {
        return SharedSandboxes.of(sandboxSettings());
    }

    public static RunConfig from(Config c) {
        Tokenizer tokenizer = Tokenizers.load(c.getString("aha.tokenizer"));
        TrainSettings train = TrainSettings.fromConfig(c.getConfig("aha.train"));
        SamplingSettings sampling = SamplingSettings.fromConfig(c.getConfig("aha.sampling"));
        String template = train.template();
        RewardSettings reward = RewardSettings.fromConfig(c.getConfig("aha.reward"));
        reward.compose(); // its weights are checked as the reward is built: at start-up, not at the first group
        WeightPlaneSettings.fromConfig(c.getConfig("aha.weights")); // read by the plane later, checked now
        RejectionSettings.fromConfig(c.getConfig("aha.reject")); // read by aha sample and aha reject, checked now
        SandboxSettings sandbox = SandboxSettings.fromConfig(c.getConfig("aha.sandbox")); // code tasks read it later
        if (Tasks.isCode(train.task())) {
            SharedSandboxes.of(sandbox); // code rewards refuse to start without a working sandbox: now, not mid-run
        }
        return new RunConfig(
                c,
                train,
                Policies.fromConfig(c.getConfig("aha.policy"), tokenizer),
                sampling,
                GrpoSettings.fromConfig(c.getConfig("aha.grpo"), sampling.maxNewTokens()),
                AdamWSettings.fromConfig(c.getConfig("aha.optimizer")),
                reward,
                ArithmeticSettings.fromConfig(c.getConfig("aha.task.arithmetic")),
                prompts(c, tokenizer, "r1-zero".equals(template) ? PromptTemplate.r1Zero() : PromptTemplate.of(template)),
                tokenizer,
                backend(c.getString("aha.backend")),
                SimulationSettings.fromConfig(c.getConfig("aha.simulation")),
                devices(c));
    }

    /** aha.train.chat: auto = through the tokenizer's chat template when it has one. */
    private static PromptTemplate prompts(Config c, Tokenizer tokenizer, PromptTemplate text) {
        String mode = c.getString("aha.train.chat");
        if (!List.of("auto", "on", "off").contains(mode)) {
            throw new IllegalArgumentException("aha.train.chat must be auto, on or off, was '" + mode + "'");
        }
        if (mode.equals("off")) {
            return text;
        }
        if (!(tokenizer instanceof HfTokenizer hf)) {
            if (mode.equals("on")) {
                throw new IllegalArgumentException("aha.train.chat = on needs a Hugging Face tokenizer with a chat "
                        + "template (aha.tokenizer = DIR), not " + tokenizer);
            }
            return text;
        }
        try {
            Path file = hf.config().file();
            if (mode.equals("auto") && !ChatTemplate.present(file)) {
                return text;
            }
            return text.inChat(ChatTemplate.fromTokenizerConfig(file), c.getConfig("aha.train.chat-flags").root()
                    .unwrapped());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template of " + hf.directory(), e);
        }
    }

    private static DeviceSettings devices(Config c) {
        DeviceSettings devices = DeviceSettings.fromConfig(c.getConfig("aha"));
        if ("torch".equals(c.getString("aha.backend"))) {
            devices.requireAvailable(); // loads the engine only when a role asks for a GPU
        }
        return devices;
    }

    private static Backend backend(String name) {
        return switch (name) {
            case "torch" -> Backend.TORCH;
            case "simulated" -> Backend.SIMULATED;
            default -> throw new IllegalArgumentException("aha.backend must be torch or simulated, was '" + name + "'");
        };
    }
}
