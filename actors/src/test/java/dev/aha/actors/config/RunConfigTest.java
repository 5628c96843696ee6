package dev.aha.actors.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.testing.TestData;
import org.junit.jupiter.api.Test;

/** Contradictions between the policy, tokenizer and chat settings fail once, at start-up, naming the keys. */
class RunConfigTest {

    private static final String QWEN3 = TestData.tokenizer("qwen3").toString()
            .replace("\\", "/");

    private static RunConfig load(String overrides) {
        return RunConfig.from(ConfigFactory.parseString(overrides).withFallback(AhaConfig.load()).resolve());
    }

    @Test
    void refusesContradictoryPolicySettings() {
        assertMessage("needs aha.policy.architecture = hf", () -> load("aha.policy.model = \"/some/dir\""));
        assertMessage("needs aha.policy.model = DIR", () -> load("aha.policy.architecture = hf"));
        assertMessage("aha.policy.architecture must be gpt or hf, was 'mistral'",
                () -> load("aha.policy.architecture = mistral"));
        assertMessage("aha.policy.dtype = bf16 is not implemented", () -> load("aha.policy.dtype = bf16"));
        assertMessage("aha.device must be cpu, gpu or gpu:N", () -> load("aha.device = tpu"));
    }

    @Test
    void chatPromptsFollowTheTokenizer() {
        assertFalse(load("").template().isChat(), "the character tokenizer has no chat template");
        assertMessage("aha.train.chat = on needs a Hugging Face tokenizer", () -> load("aha.train.chat = on"));
        RunConfig chat = load("aha.tokenizer = \"" + QWEN3 + "\"");
        assertTrue(chat.template().isChat(), "auto: the Qwen3 tokenizer has a chat template");
        assertTrue(chat.template().render("1+1").startsWith("<|im_start|>user\nUser: 1+1 Assistant: <|im_end|>"),
                chat.template().render("1+1"));
        RunConfig noThinking = load("aha.tokenizer = \"" + QWEN3 + "\"\naha.train.chat-flags.enable_thinking = false");
        assertTrue(noThinking.template().render("1+1").endsWith("<think>\n\n</think>\n\n"));
        assertFalse(load("aha.tokenizer = \"" + QWEN3 + "\"\naha.train.chat = off").template().isChat());
        assertMessage("aha.train.chat must be auto, on or off", () -> load("aha.train.chat = maybe"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
