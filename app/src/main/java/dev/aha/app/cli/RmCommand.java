package dev.aha.app.cli;

import picocli.CommandLine.Command;

/** {@code aha rm}: reward models — preference pairs, training, scoring. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Reward models: preference pairs, training, scoring.",
            "A reward model is a Hugging Face *ForSequenceClassification (llama, qwen2, qwen3) or the built-in GPT "
                    + "with a score head; see docs/reward-models.md."},
        subcommands = {RmPairsCommand.class, RmTrainCommand.class, RmScoreCommand.class, RmMixedCommand.class})
public final class RmCommand {}
