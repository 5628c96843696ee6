package dev.aha.actors.config;

import com.typesafe.config.Config;
import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.HfTokenizerFiles;
import dev.aha.runtime.tokenizer.TokenizerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The run's prompt template: aha.train.template, through the tokenizer's chat template as aha.train.chat says. */
final class ChatPrompts {

    private ChatPrompts() {}

    /**
     * @param text {@code r1-zero} or the template's text
     * @param train {@code aha.train}: {@code chat} (auto = through the chat template when the tokenizer has one) and
     *     {@code chat-flags}
     */
    static PromptTemplate template(String text, Config train, TokenizerSpec tokenizer) {
        PromptTemplate plain = "r1-zero".equals(text) ? PromptTemplate.r1Zero() : PromptTemplate.of(text);
        String mode = train.getString("chat");
        if (!List.of("auto", "on", "off").contains(mode)) {
            throw new IllegalArgumentException("aha.train.chat must be auto, on or off, was '" + mode + "'");
        }
        if (mode.equals("off")) {
            return plain;
        }
        Optional<HfTokenizerFiles> hf = tokenizer.huggingFace();
        if (hf.isEmpty()) {
            if (mode.equals("on")) {
                throw new IllegalArgumentException("aha.train.chat = on needs a Hugging Face tokenizer with a chat "
                        + "template (aha.tokenizer = DIR), not " + tokenizer);
            }
            return plain;
        }
        try {
            Path file = hf.get().config().file();
            if (mode.equals("auto") && !ChatTemplate.present(file)) {
                return plain;
            }
            return plain.inChat(ChatTemplate.fromTokenizerConfig(file), train.getConfig("chat-flags").root()
                    .unwrapped());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template of " + hf.get().directory(), e);
        }
    }
}
