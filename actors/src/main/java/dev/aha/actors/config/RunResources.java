package dev.aha.actors.config;

import dev.aha.runtime.agent.AgentTasks;
import dev.aha.runtime.agent.EnvironmentPool;
import dev.aha.runtime.agent.Episodes;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.reward.CodeExecutionReward;
import dev.aha.runtime.reward.CompositeReward;
import dev.aha.runtime.reward.RewardFunction;
import dev.aha.runtime.sandbox.CodeRunPool;
import dev.aha.runtime.sandbox.Sandbox;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run holds while it runs, opened from its {@link RunConfig} and closed when the run (or the command) ends:
 * the loaded tokenizer and, for a code task, the started sandbox, the threads evaluations judge code on, and the
 * run's code rewards, which count how this run's programs ended. Opening fails at start-up, in one line, when the
 * tokenizer cannot load or the sandbox does not work on this host. Nothing here outlives {@link #close()}, and two
 * runs in one JVM share nothing.
 */
public final class RunResources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunResources.class);

    private final RunConfig config;
    private final Tokenizer tokenizer;
    private final CodeRunPool evaluationPool;
    private final CodeExecutionReward trainingCode;
    private final CodeExecutionReward evaluationCode;
    private final Episodes episodes;
    /** What close() releases, last opened first. */
    private final Deque<AutoCloseable> opened;
    private boolean closed;

    private RunResources(RunConfig config, Tokenizer tokenizer, Sandbox sandbox, CodeRunPool evaluationPool,
            Episodes episodes, Deque<AutoCloseable> opened) {
        this.episodes = episodes;
        this.config = config;
        this.tokenizer = tokenizer;
        this.evaluationPool = evaluationPool;
        boolean partialCredit = config.reward().codePartialCredit();
        this.trainingCode = sandbox == null ? null : new CodeExecutionReward(sandbox, partialCredit);
        this.evaluationCode = sandbox == null ? null : new CodeExecutionReward(sandbox, partialCredit);
        this.opened = opened;
    }

    /**
     * Loads the tokenizer and, for a code task, starts the sandbox (checked with a trivial program: a host without
     * bubblewrap or user namespaces fails here, not mid-run). What opened before a failure is closed again.
     */
    public static RunResources open(RunConfig config) {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Tokenizer tokenizer = push(opened, config.tokenizer().open());
            Sandbox sandbox = null;
            CodeRunPool pool = null;
            if (config.codeTask()) {
                sandbox = push(opened, Sandbox.start(config.sandbox()));
                pool = push(opened, CodeRunPool.of(config.sandbox()));
            }
            Sandbox tools = sandbox;
            if (config.agentTask() && AgentTasks.needsSandbox(config.train().task()) && tools == null) {
                tools = push(opened, Sandbox.start(config.sandbox())); // the python tool's; no code rewards
            }
            Episodes episodes = null;
            if (config.agentTask()) {
                EnvironmentPool environments = push(opened, EnvironmentPool.of(config.agent()));
                episodes = new Episodes(AgentTasks.environment(config.train().task(), tools),
                        AgentTasks.format(config.template(), tokenizer), config.agent(), environments);
            }
            return new RunResources(config, tokenizer, sandbox, pool, episodes, opened);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> opened, T resource) {
        opened.push(resource);
        return resource;
    }

    /** The settings these were opened from. */
    public RunConfig config() {
        return config;
    }

    /**
     * Where an agent task's episodes are opened, on this run's environment pool (closed with these resources); null
     * for a single-turn task.
     */
    public Episodes episodes() {
        return episodes;
    }

    /** The run's tokenizer; closed with these resources. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The reward the run trains on (and rejection sampling scores with). A code task's accuracy runs each program in
     * the run's sandbox and counts its outcome in {@link #codeOutcomes()}.
     */
    public CompositeReward rewards() {
        return trainingCode != null ? config.reward().composeForCode(trainingCode) : config.reward().compose();
    }

    /** A code task's accuracy reward for evaluations (counted apart from training's); null for other tasks. */
    public RewardFunction codeAccuracy() {
        return evaluationCode;
    }

    /** Where a code task's evaluations run their samples side by side; null for other tasks. */
    public CodeRunPool evaluationPool() {
        return evaluationPool;
    }

    /** The held-out evaluator of this run's settings, judging as its reward does. */
    public Evaluator evaluator(Policy policy, int k) {
        Evaluator evaluator = new Evaluator(policy, tokenizer, config.template(), config.sampling(), k,
                config.train().seed() + 17, config.reward().extract());
        evaluator = episodes != null ? evaluator.inEpisodes(episodes) : evaluator;
        return evaluationCode != null ? evaluator.scoringWith(evaluationCode, evaluationPool) : evaluator;
    }

    /** How the programs this run's reward judged ended, label to count; null for a task judged by its answer. */
    public Map<String, Long> codeOutcomes() {
        return trainingCode == null ? null : trainingCode.outcomes().snapshot();
    }

    /** The same for the programs of this run's evaluations; null for a task judged by its answer. */
    public Map<String, Long> evaluationCodeOutcomes() {
        return evaluationCode == null ? null : evaluationCode.outcomes().snapshot();
    }

    /** Ends the evaluation threads (runs under way are killed), the sandbox and the tokenizer. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeAll(opened);
        }
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable resource = opened.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource, e.toString());
            }
        }
    }
}
