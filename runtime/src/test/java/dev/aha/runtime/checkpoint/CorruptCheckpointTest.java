package dev.aha.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.optim.AdamW;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptPolicy;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever is wrong with a checkpoint on disk, loading it is refused in one line naming the file, never misread. */
class CorruptCheckpointTest {

    private static final int VOCAB = 16;

    @TempDir
    Path dir;

    private NDManager base;
    private GptPolicy policy;
    private AdamW adam;
    private Path saved;

    @BeforeEach
    void setUp() {
        ComputeThreads.prepare(1);
        base = NDManager.newBaseManager();
        policy = GptPolicy.create(GptConfig.tiny(VOCAB), base);
        adam = new AdamW(policy.parameters(), AdamWSettings.defaults(1e-3), base);
        saved = new CheckpointStore(dir.resolve("checkpoints"), 2).save(1, policy, adam,
                new ObjectMapper().createObjectNode().put("step", 1));
    }

    @AfterEach
    void tearDown() {
        adam.close();
        policy.close();
        base.close();
    }

    private static void flipByte(Path file, long at) {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            c.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            b.rewind();
            c.write(b, at);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void truncate(Path file, long by) {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - by);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A damage to the saved folder, and what the one-line error must say. */
    static Stream<Arguments> damages() {
        return Stream.of(
                Arguments.of("policy truncated", (Consumer<Path>) d -> truncate(d.resolve("policy.safetensors"), 100),
                        "policy.safetensors has"),
                Arguments.of("policy emptied", (Consumer<Path>) d -> write(d.resolve("policy.safetensors"), ""),
                        "policy.safetensors has 0 bytes"),
                Arguments.of("a bit flipped in a weight", (Consumer<Path>) d -> flipByte(d.resolve("policy.safetensors"),
                        2_000), "policy.safetensors is corrupt"),
                Arguments.of("a bit flipped in the header", (Consumer<Path>) d -> flipByte(d.resolve("policy.safetensors"),
                        20), "policy.safetensors is corrupt"),
                Arguments.of("a bit flipped in the moments", (Consumer<Path>) d -> flipByte(
                        d.resolve("optimizer.safetensors"), 5_000), "optimizer.safetensors is corrupt"),
                Arguments.of("policy missing", (Consumer<Path>) d -> delete(d.resolve("policy.safetensors")),
                        "policy.safetensors is missing"),
                Arguments.of("moments missing", (Consumer<Path>) d -> delete(d.resolve("optimizer.safetensors")),
                        "optimizer.safetensors is missing"),
                Arguments.of("state missing", (Consumer<Path>) d -> delete(d.resolve("state.json")),
                        "state.json is missing"),
                Arguments.of("state empty", (Consumer<Path>) d -> write(d.resolve("state.json"), ""),
                        "not an Aha checkpoint"),
                Arguments.of("state malformed", (Consumer<Path>) d -> write(d.resolve("state.json"), "{\"format\": "),
                        "state.json is not valid JSON"),
                Arguments.of("state an array", (Consumer<Path>) d -> write(d.resolve("state.json"), "[1, 2]"),
                        "not an Aha checkpoint"),
                Arguments.of("state of another format", (Consumer<Path>) d -> write(d.resolve("state.json"),
                        "{\"format\": \"pickle\"}"), "format pickle"),
                Arguments.of("state without run", (Consumer<Path>) d -> write(d.resolve("state.json"),
                        "{\"format\": \"aha-checkpoint-1\"}"), "no \"run\" object"),
                Arguments.of("files listing a path outside", (Consumer<Path>) d -> write(d.resolve("state.json"),
                        "{\"format\": \"aha-checkpoint-1\", \"files\": {\"../../x\": {\"bytes\": 1}}, \"run\": {}}"),
                        "outside"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void aDamagedCheckpointIsRefusedNamingTheFile(String what, Consumer<Path> damage, String says) {
        damage.accept(saved);
        try (GptPolicy target = GptPolicy.create(GptConfig.tiny(VOCAB), base);
                AdamW moments = new AdamW(target.parameters(), AdamWSettings.defaults(1e-3), base)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointStore.load(saved, target, moments), what);
            assertTrue(e.getMessage().contains(says), what + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), what + ": more than one line: " + e.getMessage());
        }
    }

    @Test
    void aTensorOfIntegersIsRefusedEvenWithoutChecksums() throws Exception {
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        try (NDManager scope = base.newSubManager(); OutputStream out = Files.newOutputStream(
                old.resolve("policy.safetensors"))) {
            NDList tensors = new NDList();
            for (PolicyParameter p : policy.parameters()) {
                NDArray a = scope.zeros(p.shape(), DataType.INT32);
                a.setName(p.name());
                tensors.add(a);
            }
            tensors.encode(out, NDList.Encoding.SAFETENSORS);
        }
        ObjectNode state = new ObjectMapper().createObjectNode().put("format", CheckpointStore.FORMAT);
        state.putObject("run");
        Files.writeString(old.resolve("state.json"), state.toString()); // as written before checksums were recorded
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointStore.load(old, policy, null));
        assertTrue(e.getMessage().contains("not a floating-point tensor"), e.getMessage());
    }

    @Test
    void theSameStepSavedTwiceNeverReplacesTheFolderLatestNames() {
        CheckpointStore store = new CheckpointStore(dir.resolve("again"), 3);
        Path first = store.save(5, policy, adam, new ObjectMapper().createObjectNode());
        Path second = store.save(5, policy, adam, new ObjectMapper().createObjectNode());
        assertFalse(first.equals(second), "a new folder for the second save");
        assertTrue(Files.isDirectory(first), "the first stays until it is pruned");
        assertEquals(second, store.latest().orElseThrow());
        CheckpointStore.load(second, policy, adam);
    }
}
