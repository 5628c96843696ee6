package dev.aha.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.hf.SafetensorsFile;
import dev.aha.runtime.policy.hf.SafetensorsHeader;
import dev.aha.runtime.policy.hf.TensorBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint file past 2 GiB (the limit of the 32-bit offsets DJL's encoder writes) is written, verified and read
 * back bit for bit, and neither direction holds a second copy of the tensors: the process's peak resident memory
 * (VmHWM, reset through /proc/self/clear_refs just before) rises by a small fraction of the tensors' size.
 */
@Tag("slow")
class LargeCheckpointTest {

    private static final long ROWS = 12_288;
    private static final long COLS = 16_384;
    private static final int COUNT = 3; // 3 x 768 MiB = 2.25 GiB
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Path STATUS = Path.of("/proc/self/status");

    @TempDir
    Path dir;

    @Test
    void shouldWriteVerifyAndReloadAFilePast2GibWithoutASecondCopyOfTheTensors() throws Exception {
        assumeTrue(Files.isWritable(CLEAR_REFS), "peak memory is measured through Linux's /proc/self/clear_refs");
        long needed = COUNT * ROWS * COLS * Float.BYTES + (256L << 20);
        long free = Files.getFileStore(dir).getUsableSpace();
        assumeTrue(free >= needed, "the checkpoint needs " + (needed >> 20) + " MiB in " + dir + ", only "
                + (free >> 20) + " MiB are free");
        ComputeThreads.prepare(1);
        long start = System.nanoTime();
        try (NDManager base = NDManager.newBaseManager()) {
            List<StoredTensor> tensors = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                NDArray a = base.randomUniform(-1f, 1f, new Shape(ROWS, COLS));
                tensors.add(new StoredTensor("h." + i + ".w", a));
            }
            long tensorBytes = COUNT * ROWS * COLS * Float.BYTES;
            long[] written = crcs(tensors);
            System.out.printf("made %d MiB of tensors in %.1f s%n", tensorBytes >> 20,
                    (System.nanoTime() - start) / 1e9);

            long rssBeforeWrite = resetPeak();
            long t0 = System.nanoTime();
            Path saved = CheckpointWriter.write(dir, "step-000001", new CheckpointWriter.Contents(1, tensors, null, 0,
                    null, new ObjectMapper().createObjectNode()));
            long t1 = System.nanoTime();
            CheckpointLoader.verifiedState(saved); // size and CRC32C of every file, as a load checks them
            long t2 = System.nanoTime();
            long writePeak = kib("VmHWM") - rssBeforeWrite;

            Path file = saved.resolve(CheckpointFiles.TENSORS);
            assertTrue(Files.size(file) > tensorBytes, "the file holds every tensor");
            try (SafetensorsFile opened = SafetensorsFile.open(file)) {
                SafetensorsHeader.Entry last = opened.entry("h." + (COUNT - 1) + ".w");
                assertTrue(last.end() - 8 > Integer.MAX_VALUE, "the last tensor ends past 2 GiB (64-bit offsets)");
            }

            for (StoredTensor t : tensors) {
                t.array().muli(0); // in place: the reload must bring every value back
            }
            assertFalse(Arrays.equals(written, crcs(tensors)));
            long rssBeforeLoad = resetPeak();
            long t3 = System.nanoTime();
            try (SafetensorsFile opened = CheckpointTensors.openFor(saved, CheckpointFiles.TENSORS, tensors)) {
                CheckpointTensors.readInto(opened, tensors);
            }
            long t4 = System.nanoTime();
            long loadPeak = kib("VmHWM") - rssBeforeLoad;
            assertArrayEquals(written, crcs(tensors), "reloaded tensors differ from the saved ones");

            System.out.printf("checkpoint file %d bytes (tensors %d MiB, RSS %d MiB before): write %.1f s, verify "
                    + "%.1f s, load %.1f s; peak RSS above that: write+verify +%d MiB, load +%d MiB%n",
                    Files.size(file), tensorBytes >> 20, rssBeforeWrite >> 10, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                    (t4 - t3) / 1e9, writePeak >> 10, loadPeak >> 10);
            long allowance = (tensorBytes >> 10) / 8; // KiB: an eighth of one copy; a second copy would be 8/8
            assertTrue(writePeak < allowance, "writing raised the peak RSS by " + (writePeak >> 10) + " MiB");
            assertTrue(loadPeak < allowance, "loading raised the peak RSS by " + (loadPeak >> 10) + " MiB");
        }
        StepFolders.deleteTree(dir.resolve("step-000001")); // 2.25 GiB: give the disk back at once
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /** CRC32C of each tensor's bytes, read in place. */
    private static long[] crcs(List<StoredTensor> tensors) {
        long[] crcs = new long[tensors.size()];
        for (int i = 0; i < crcs.length; i++) {
            CRC32C crc = new CRC32C();
            TensorBytes.read(tensors.get(i).array(), crc::update);
            crcs[i] = crc.getValue();
        }
        return crcs;
    }

    /** Resets the process's peak resident size (VmHWM) to its current one and returns that, in KiB. */
    private static long resetPeak() throws IOException {
        Files.writeString(CLEAR_REFS, "5");
        return kib("VmRSS");
    }

    private static long kib(String field) throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
            }
        }
        throw new IllegalStateException(field + " missing from " + STATUS);
    }
}
