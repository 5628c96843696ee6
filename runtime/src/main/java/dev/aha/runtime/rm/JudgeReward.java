package dev.aha.runtime.rm;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policies;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyFactory;
import dev.aha.runtime.policy.hf.HfModel;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.tokenizer.Tokenizer;
import dev.aha.runtime.tokenizer.TokenizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An LLM judge hosted for one reward node: a causal model (a Hugging Face directory or a policy checkpoint) loaded
 * once on a thread of its own, given the rubric with each completion filled in, decoding greedily; the rating is the
 * parse pattern's first group in its output, and the judge's part is {@code weight * rating / scale}. An output with
 * no rating in it (or one that is not a finite number) is a judge failure: that completion's part is 0 and the
 * failure is counted with the other reward failures, the output quoted in the log. A rubric longer than the judge's
 * context keeps its last tokens, leaving room for max-new-tokens.
 */
public final class JudgeReward implements LearnedReward {

    private final JudgeSettings settings;
    private final RewardRoute route;
    private final ExecutorService thread;
    private final Pattern parse;
    private NDManager manager;
    private Policy policy;
    private Tokenizer tokenizer;
    private Sampler sampler;

    private JudgeReward(JudgeSettings settings, RewardRoute route, ExecutorService thread) {
        this.settings = settings;
        this.route = route;
        this.thread = thread;
        this.parse = Pattern.compile(settings.parse());
    }

    /** The judge's model and tokenizer, known from their files without a weight read; refusals are one line. */
    record Source(PolicyFactory factory, Path checkpoint, String tokenizer) {}

    /** What {@link #start} would load, checked: the run's settings check calls it at start-up. */
    public static Source check(JudgeSettings settings) {
        Path dir = Path.of(settings.model());
        if (Files.isRegularFile(dir.resolve("config.json"))) {
            if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                throw new IllegalArgumentException("aha.reward.judge.model " + dir + " has no tokenizer.json beside it");
            }
            HfModel model = HfModel.open(dir, settings.contextLength());
            requireRoom(settings, model.contextLength());
            return new Source(model, null, dir.toString());
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("aha.reward.judge.model: no such directory: " + dir);
        }
        Path checkpoint = CheckpointStore.resolve(dir);
        Optional<ObjectNode> described = CheckpointStore.policyDescription(checkpoint);
        if (described.isEmpty() || described.get().path("tokenizer").asText("").isEmpty()) {
            throw new IllegalArgumentException("aha.reward.judge.model " + checkpoint + " has no policy.json naming its "
                    + "model and tokenizer");
        }
        PolicyFactory factory = Policies.fromDescription(described.get());
        requireRoom(settings, factory.contextLength());
        return new Source(factory, checkpoint, described.get().path("tokenizer").asText());
    }

    private static void requireRoom(JudgeSettings settings, int context) {
        if (settings.maxNewTokens() >= context) {
            throw new IllegalArgumentException("aha.reward.judge.max-new-tokens (" + settings.maxNewTokens()
                    + ") leaves no room for the rubric in the judge's context of " + context + " tokens");
        }
    }

    /** Loads the judge on its thread, on {@code device}. */
    public static JudgeReward start(JudgeSettings settings, RewardRoute route, Device device) {
        Source source = check(settings);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "aha-reward-judge");
            t.setDaemon(true);
            return t;
        });
        JudgeReward judge = new JudgeReward(settings, route, thread);
        try {
            thread.submit(() -> {
                ComputeThreads.prepare(1);
                judge.tokenizer = TokenizerSpec.of(source.tokenizer()).open();
                judge.manager = NDManager.newBaseManager(device);
                judge.policy = source.checkpoint() == null ? source.factory().create(judge.manager)
                        : source.factory().blank(judge.manager);
                if (source.checkpoint() != null) {
                    CheckpointStore.load(source.checkpoint(), judge.policy, null);
                }
                judge.sampler = new Sampler(judge.policy, new SamplingSettings(0f, 1f, settings.maxNewTokens()),
                        judge.tokenizer.vocabSize(), judge.tokenizer.endIds());
                return null;
            }).get();
        } catch (ExecutionException e) {
            judge.close();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            judge.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the judge", e);
        }
        return judge;
    }

    @Override
    public RewardRoute route() {
        return route;
    }

    @Override
    public CompletableFuture<Scores> score(String prompt, String[] completions) {
        return CompletableFuture.supplyAsync(() -> {
            double[] parts = new double[completions.length];
            String[] failures = new String[completions.length];
            for (int i = 0; i < completions.length; i++) {
                String shown = settings.scope() == RewardModelSettings.Scope.ANSWER ? ModelReward.answer(completions[i])
                        : completions[i];
                String output = judge(settings.render(prompt, shown));
                Double rating = rating(parse, output);
                if (rating == null) {
                    failures[i] = "the judge gave no rating matching " + settings.parse() + " in '" + output + "'";
                } else {
                    parts[i] = settings.weight() * rating / settings.scale();
                }
            }
            return new Scores(parts, failures);
        }, thread);
    }

    /** The judge's greedy output for {@code rubric}. */
    private String judge(String rubric) {
        int[] ids = tokenizer.encode(rubric);
        int room = policy.contextLength() - settings.maxNewTokens();
        if (ids.length > room) {
            ids = Arrays.copyOfRange(ids, ids.length - room, ids.length);
        }
        Completion c = sampler.sampleGroup(ids, 1, new Random(0)).get(0);
        return tokenizer.decode(c.tokens());
    }

    /** The first match's first group as a finite number, or null. */
    static Double rating(Pattern parse, String output) {
        Matcher m = parse.matcher(output);
        if (!m.find() || m.group(1) == null) {
            return null;
        }
        try {
            double r = Double.parseDouble(m.group(1).trim());
            return Double.isFinite(r) ? r : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        thread.submit(() -> {
            if (policy != null) {
                policy.close();
            }
            if (manager != null) {
                manager.close();
            }
            if (tokenizer != null) {
                tokenizer.close();
            }
        });
        thread.shutdown();
    }
}
