package dev.aha.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test data comes out as plain files, the compressed ones decompressed, the rest copied; a missing one fails. */
class TestDataTest {

    @Test
    void decompressesAGzippedFileToThePlainOne() throws IOException {
        List<String> lines = Files.readAllLines(TestData.gsm8k("test.jsonl"));
        assertEquals(1319, lines.size());
        assertTrue(lines.get(0).startsWith("{\"question\": \"Janet"), lines.get(0));
    }

    @Test
    void copiesAFileStoredAsItIs() throws IOException {
        Path license = TestData.file("gsm8k/LICENSE");
        assertTrue(Files.readString(license).startsWith("MIT License"));
    }

    @Test
    void aTokenizerIsAFolderWithBothFiles() {
        Path qwen = TestData.tokenizer("qwen3");
        assertTrue(Files.isRegularFile(qwen.resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(qwen.resolve("tokenizer_config.json")));
        assertEquals(qwen, TestData.tokenizer("qwen3"), "the same folder every time");
    }

    @Test
    void aFileNotInTheTestDataIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestData.file("gsm8k/validation.jsonl"));
        assertTrue(e.getMessage().contains("data/gsm8k/validation.jsonl"), e.getMessage());
    }
}
