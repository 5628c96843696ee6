package dev.aha.app.cli;

import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.rm.PreferenceText;
import dev.aha.runtime.rm.RewardModelSources;
import dev.aha.runtime.tokenizer.HfTokenizerFiles;
import dev.aha.runtime.tokenizer.Tokenizer;
import dev.aha.runtime.tokenizer.TokenizerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The tokenizer a reward model reads with: {@code --tokenizer}, else the one its directory names (a Hugging Face
 * model's own files, the GPT's recorded tokenizer); with the tokenizer's chat template for message lists.
 */
record RewardModelTokens(Tokenizer tokenizer, PreferenceText text) implements AutoCloseable {

    static RewardModelTokens open(Path model, String override, int maxContext) {
        String name = override != null ? override : RewardModelSources.open(model, maxContext, null).tokenizer();
        if (name == null) {
            throw new IllegalArgumentException(model + " does not say which tokenizer it reads with: give "
                    + "--tokenizer DIR|char");
        }
        TokenizerSpec spec = TokenizerSpec.of(name);
        ChatTemplate template = null;
        Optional<HfTokenizerFiles> hf = spec.huggingFace();
        try {
            if (hf.isPresent() && ChatTemplate.present(hf.get().config().file())) {
                template = ChatTemplate.fromTokenizerConfig(hf.get().config().file());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chat template of " + name, e);
        }
        Tokenizer tokenizer = spec.open();
        return new RewardModelTokens(tokenizer, new PreferenceText(tokenizer, template));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
