package dev.aha.actors.config;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import dev.aha.protocol.weights.WeightPlaneSettings;
import dev.aha.runtime.engine.DeviceSettings;
import dev.aha.runtime.grpo.GrpoSettings;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.policy.lora.LoraSettings;
import dev.aha.runtime.policy.lora.LoraTargets;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.rm.JudgeReward;
import dev.aha.runtime.rm.ModelReward;
import dev.aha.runtime.rm.RewardModelTrainSettings;
import dev.aha.runtime.rollout.KvBudget;
import dev.aha.runtime.rollout.RolloutSettings;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.sandbox.SandboxSettings;
import dev.aha.runtime.simulation.SimulationSettings;
import dev.aha.runtime.agent.AgentSettings;
import dev.aha.runtime.agent.AgentTasks;
import dev.aha.runtime.task.ArithmeticSettings;
import dev.aha.runtime.task.Tasks;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.TokenizerSpec;

/**
 * Every typed setting of a run, read once from the layered config: a plain value. Each section is checked as it is
 * read, and the rules across sections all in one place, {@link #conclude}, which every instance passes through (a
 * copy with a checkpoint's policy, or marked for training, is checked again). It holds nothing live: the tokenizer,
 * the code sandbox and its threads are opened from it as the run's {@link RunResources}.
 *
 * @param tokenizer the tokenizer {@code aha.tokenizer} names, its files checked; {@link RunResources} loads it
 * @param weights {@code aha.weights}, the weight plane
 * @param reject {@code aha.reject}, the rules of rejection sampling
 * @param rollout {@code aha.rollout}, the rollout engine: its sequence slots, weight type and in-flight updates
 * @param sandbox {@code aha.sandbox}, where a code task's programs run
 * @param lora {@code aha.lora}, low-rank adapters on the learner's policy (rank 0: off), checked against the policy
 * @param loraApply {@code aha.lora.rollout-apply}: how this node's rollouts apply each version's adapters
 * @param agent {@code aha.agent}, the limits of multi-turn episodes (the agent tasks)
 * @param arithmeticTool {@code aha.task.arithmetic-tool}, the problems of task arithmetic-tool
 * @param rm {@code aha.rm}, how a reward model is trained on preference pairs
 * @param purpose what the settings are for: training adds rules of its own
 * @param pekko the layered config itself, kept for Pekko alone: the actor system is created from it (Pekko reads
 *     its own {@code pekko.*} sections and the dispatchers {@code aha.compute-dispatcher} and
 *     {@code aha.reward-dispatcher}) and Artery's TLS stores are checked in it. Aha's settings are the other
 *     components, never read from here.
 */
public record RunConfig(
        TrainSettings train,
        PolicyFactory policy,
        SamplingSettings sampling,
        RolloutSettings rollout,
        GrpoSettings grpo,
        AdamWSettings optimizer,
        RewardSettings reward,
        ArithmeticSettings arithmetic,
        PromptTemplate template,
        TokenizerSpec tokenizer,
        Backend backend,
        SimulationSettings simulation,
        DeviceSettings devices,
        WeightPlaneSettings weights,
        RejectionSettings reject,
        SandboxSettings sandbox,
        LoraSettings lora,
        LoraApply loraApply,
        AgentSettings agent,
        ArithmeticSettings arithmeticTool,
        RewardModelTrainSettings rm,
        Purpose purpose,
        Config pekko) {

    /** Where policies run (aha.backend). */
    public enum Backend {
        /** The transformer on DJL. */
        TORCH,
        /** Modelled devices that spend aha.simulation's costs as wall time. */
        SIMULATED
    }

    /** What a run does with its settings; training has rules that sampling, evaluation and SFT do not. */
    public enum Purpose {
        /** Sampling, evaluation, SFT, export: the rules every run obeys. */
        ANY,
        /** A training node that samples nothing (a seed that leaves the rollouts to joining nodes, a reward node). */
        TRAINING,
        /** A training node that samples: it needs rollouts. */
        TRAINING_WITH_ROLLOUTS
    }

    public RunConfig {
        conclude(train, policy, sampling, rollout, reward, tokenizer, backend, devices, purpose);
        if (lora.enabled() && backend == Backend.TORCH) {
            LoraTargets.resolve(lora, policy.architecture(), policy.layout()); // the targets and rank fit the model
            if (loraApply == LoraApply.SHARED) {
                requireSharable(policy, rollout, train, devices);
            }
        }
    }

    /**
     * A rollout decodes over the learner's frozen base ({@code aha.lora.rollout-apply = shared}) only where it can use
     * those very tensors: a Llama-family model, on the learner's device, in the type the base is stored in (bf16 under
     * bf16-mixed, else f32). That the rollouts run in the learner's JVM is checked where nodes start.
     */
    private static void requireSharable(PolicyFactory policy, RolloutSettings rollout, TrainSettings train,
            DeviceSettings devices) {
        if ("gpt".equals(policy.architecture())) {
            throw new IllegalArgumentException("aha.lora.rollout-apply = shared needs a llama, qwen2 or qwen3 model; "
                    + "the built-in gpt takes merged or unmerged");
        }
        if (!devices.rollout().equals(devices.learner())) {
            throw new IllegalArgumentException("aha.lora.rollout-apply = shared needs the rollouts on the learner's "
                    + "device (" + devices.learner() + "), not " + devices.rollout());
        }
        DataType base = train.precision().referenceType();
        if (rollout.dtype().dataType() != base) {
            String name = base == DataType.BFLOAT16 ? "bf16" : "f32";
            throw new IllegalArgumentException("aha.lora.rollout-apply = shared decodes over the learner's frozen "
                    + "base, which aha.train.precision = " + train.precision() + " stores in " + name
                    + ": set aha.rollout.dtype = " + name);
        }
    }

    /**
     * Refuses {@code aha.lora.rollout-apply = shared} on a node whose rollouts cannot reach the learner's tensors:
     * every node of a cluster ({@code aha seed}, {@code aha join}). {@code aha train} runs every role in one JVM.
     */
    public RunConfig requireOwnReplicas(String command) {
        if (lora.enabled() && loraApply == LoraApply.SHARED && !simulated()) {
            throw new IllegalArgumentException("aha.lora.rollout-apply = shared needs the rollouts in the learner's JVM "
                    + "(aha train); in a cluster (" + command + ") each rollout holds a replica: use merged or "
                    + "unmerged");
        }
        return this;
    }

    /**
     * The rules across sections, all of them, for every instance:
     * <ul>
     *   <li>the tokenizer's ids fit the policy's vocabulary (a checkpoint's policy included);</li>
     *   <li>a GPU that a role asks for exists, when policies run on the engine;</li>
     *   <li>the reward's parts and weights compose;</li>
     *   <li>with LoRA on, its targets name layers of the policy and its rank fits them (checked beside this);</li>
     *   <li>for training: an agent task on the real engine (the simulated one samples single turns), a positive
 *       sampling temperature (the learner scores log-probs at it, so 0 would make every
     *       ratio NaN), room in the policy's context for a prompt next to max-new-tokens, and rollouts on a node that
     *       samples.</li>
     * </ul>
     * Two rules are checked where their section is built, since it cannot be built without them: a chat template
     * needs a Hugging Face tokenizer that has one ({@code aha.train.chat = on}), and the overlong buffer must fit in
     * max-new-tokens ({@link GrpoSettings#fromConfig}). Each section's own ranges are checked as it is read.
     */
    private static void conclude(TrainSettings train, PolicyFactory policy, SamplingSettings sampling,
            RolloutSettings rollout, RewardSettings reward, TokenizerSpec tokenizer, Backend backend,
            DeviceSettings devices, Purpose purpose) {
        if (tokenizer.vocabSize() > policy.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer " + tokenizer + " makes ids up to "
                    + (tokenizer.vocabSize() - 1) + " but the " + policy.architecture() + " policy has a vocabulary of "
                    + policy.vocabSize() + ": is aha.tokenizer the model's own?");
        }
        if (backend == Backend.TORCH) {
            devices.requireAvailable(); // loads the engine only when a role asks for a GPU
        }
        reward.compose(); // its weights are checked as the reward is built: at start-up, not at the first group
        if (purpose == Purpose.ANY) {
            return;
        }
        if (reward.model().hasModel()) {
            ModelReward.check(reward.model(), policy.contextLength()); // reads config.json alone, not the weights
        }
        if (reward.judge() != null && reward.judge().enabled()) {
            JudgeReward.check(reward.judge());
        }
        if (!(sampling.temperature() > 0)) {
            throw new IllegalArgumentException("aha.sampling.temperature must be > 0 to train (the learner scores "
                    + "log-probs at the sampling temperature), was " + sampling.temperature());
        }
        if (backend == Backend.TORCH && sampling.maxNewTokens() >= policy.contextLength()) {
            throw new IllegalArgumentException("aha.sampling.max-new-tokens (" + sampling.maxNewTokens()
                    + ") leaves no room for a prompt in the policy's context of " + policy.contextLength() + " tokens");
        }
        if (backend == Backend.SIMULATED && Tasks.isAgent(train.task())) {
            throw new IllegalArgumentException("task " + train.task() + " samples multi-turn episodes, which the "
                    + "simulated backend does not: use aha.backend = torch");
        }
        if (!train.hardPrompts().isBlank()
                && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(train.hardPrompts()))) {
            throw new IllegalArgumentException("aha.train.hard-prompts: no file " + train.hardPrompts());
        }
        if (purpose == Purpose.TRAINING_WITH_ROLLOUTS && train.rollouts() < 1) {
            throw new IllegalArgumentException("aha.train.rollouts must be at least 1 on a node that samples, was "
                    + train.rollouts());
        }
        int slots = rollout.sequencesFor(devices.rollout().isGpu());
        if (rollout.maxSequences() > 0 && slots < train.groupSize()) {
            throw new IllegalArgumentException("aha.rollout.max-sequences (" + slots + ") must hold a group of "
                    + "aha.train.group-size (" + train.groupSize() + ")");
        }
        if (purpose == Purpose.TRAINING_WITH_ROLLOUTS && backend == Backend.TORCH && !devices.rollout().isGpu()) {
            KvBudget.require(policy, Math.max(slots, train.groupSize()), rollout.dtype().dataType(), train.rollouts(),
                    KvBudget.availableHostBytes());
        }
    }

    /**
     * The policy and tokenizer as a checkpoint records them (policy.json): the factory's description plus
     * {@code tokenizer}, {@code char} or the absolute directory.
     */
    public ObjectNode policyDescription() {
        ObjectNode d = policy.describe();
        d.put("tokenizer", tokenizer.name());
        return d;
    }

    /** These settings with another policy (the one a checkpoint describes), checked again. */
    public RunConfig withPolicy(PolicyFactory other) {
        return new RunConfig(train, other, sampling, rollout, grpo, optimizer, reward, arithmetic, template, tokenizer,
                backend, simulation, devices, weights, reject, sandbox, lora, loraApply, agent, arithmeticTool, rm,
                purpose, pekko);
    }

    /**
     * These settings for a training node, checked against the rules of training ({@link #conclude}).
     *
     * @param hostsRollouts whether this node runs rollouts (a seed may leave them all to joining nodes)
     */
    public RunConfig requireTrainable(boolean hostsRollouts) {
        return new RunConfig(train, policy, sampling, rollout, grpo, optimizer, reward, arithmetic, template, tokenizer,
                backend, simulation, devices, weights, reject, sandbox, lora, loraApply, agent, arithmeticTool, rm,
                hostsRollouts ? Purpose.TRAINING_WITH_ROLLOUTS : Purpose.TRAINING, pekko);
    }

    public boolean simulated() {
        return backend == Backend.SIMULATED;
    }

    /** Whether the run's task is judged by running code (humaneval, tinycode). */
    public boolean codeTask() {
        return Tasks.isCode(train.task());
    }

    /** Whether the run's task rolls out multi-turn episodes (arithmetic-tool). */
    public boolean agentTask() {
        return Tasks.isAgent(train.task());
    }

    /** Reads every section of {@code c} (the layered config: defaults, file, -D overrides) and checks them. */
    public static RunConfig from(Config c) {
        TokenizerSpec tokenizer = TokenizerSpec.of(c.getString("aha.tokenizer"));
        TrainSettings train = TrainSettings.fromConfig(c.getConfig("aha.train"));
        SamplingSettings sampling = SamplingSettings.fromConfig(c.getConfig("aha.sampling"));
        return new RunConfig(
                train,
                Policies.fromConfig(c.getConfig("aha.policy"), tokenizer.vocabSize()),
                sampling,
                RolloutSettings.fromConfig(c.getConfig("aha.rollout")),
                GrpoSettings.fromConfig(c.getConfig("aha.grpo"), sampling.maxNewTokens()),
                AdamWSettings.fromConfig(c.getConfig("aha.optimizer")),
                RewardSettings.fromConfig(c.getConfig("aha.reward")),
                ArithmeticSettings.fromConfig(c.getConfig("aha.task.arithmetic")),
                agentTemplate(ChatPrompts.template(train.template(), c.getConfig("aha.train"), tokenizer), train),
                tokenizer,
                backend(c.getString("aha.backend")),
                SimulationSettings.fromConfig(c.getConfig("aha.simulation")),
                DeviceSettings.fromConfig(c.getConfig("aha")),
                WeightPlaneSettings.fromConfig(c.getConfig("aha.weights")),
                RejectionSettings.fromConfig(c.getConfig("aha.reject")),
                SandboxSettings.fromConfig(c.getConfig("aha.sandbox")),
                LoraSettings.fromConfig(c.getConfig("aha.lora")),
                LoraApply.fromConfig(c.getConfig("aha.lora")),
                AgentSettings.fromConfig(c.getConfig("aha.agent")),
                ArithmeticSettings.fromConfig(c.getConfig("aha.task.arithmetic-tool")),
                RewardModelTrainSettings.fromConfig(c.getConfig("aha.rm")),
                Purpose.ANY,
                c);
    }

    /** A chat model's prompts of an agent task announce its tools to the chat template. */
    private static PromptTemplate agentTemplate(PromptTemplate template, TrainSettings train) {
        if (train.task().equals(Tasks.GSM8K_PYTHON) && !template.isChat()) {
            throw new IllegalArgumentException("task " + Tasks.GSM8K_PYTHON + " needs a chat model whose template has "
                    + "tools (aha.tokenizer = a Hugging Face directory with a chat template)");
        }
        return Tasks.isAgent(train.task()) ? template.withChatFlag("tools", AgentTasks.toolSchemas(train.task()))
                : template;
    }

    private static Backend backend(String name) {
        return switch (name) {
            case "torch" -> Backend.TORCH;
            case "simulated" -> Backend.SIMULATED;
            default -> throw new IllegalArgumentException("aha.backend must be torch or simulated, was '" + name + "'");
        };
    }
}
