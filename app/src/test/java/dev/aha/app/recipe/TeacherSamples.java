package dev.aha.app.recipe;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.rejection.RejectionSampler;
import dev.aha.runtime.rejection.SampleFile;
import dev.aha.runtime.rejection.SampleRecord;
import dev.aha.runtime.task.TaskPrompt;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A teacher's sample file as a killed run leaves it: the groups of the first prompts written, each sample the
 * prompt's worked solution (correct and well-formed, so rejection keeps them: a tiny test teacher solves nothing).
 * Sampling into the file then continues with the other prompts.
 */
public final class TeacherSamples {

    private TeacherSamples() {}

    /** Writes k correct samples for each of {@code prompts} into {@code file}, as policy version {@code version}. */
    public static void prefill(Path file, RunConfig config, List<TaskPrompt> prompts, int k, long version) {
        double minLanguage = config.reject().minLanguage();
        RejectionSampler.Scorer scorer = new RejectionSampler.Scorer(config.reward(), minLanguage, k, version);
        try (Tokenizer tokenizer = config.tokenizer().open(); SampleFile out = SampleFile.open(file, k, version)) {
            for (TaskPrompt p : prompts) {
                String rendered = config.template().render(p.question());
                List<SampleRecord> group = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    SampleRecord r = scorer.score(p, rendered, i, p.solution(),
                            tokenizer.encode(p.solution()).length, false);
                    if (!r.correct() || !r.wellFormed() || !r.languageConsistent()) {
                        throw new IllegalStateException("a worked solution that rejection would not keep: " + r);
                    }
                    group.add(r);
                }
                out.append(group);
            }
        }
    }
}
