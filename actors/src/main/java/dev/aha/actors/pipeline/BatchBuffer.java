package dev.aha.actors.pipeline;

import dev.aha.protocol.pipeline.ScoredGroup;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The learner's next batch, and the prompts it has already trained on: a re-issued prompt can come back twice (the
 * late group of the first attempt and the group of the re-issue), and only the first may be used.
 */
final class BatchBuffer {

    /** Prompt ids remembered for duplicate detection; re-issues happen long before this many newer prompts. */
    private static final int USED_IDS_KEPT = 1_000_000;

    private final int batchGroups;
    private final List<ScoredGroup> groups = new ArrayList<>();
    private final LinkedHashSet<Long> used = new LinkedHashSet<>();

    BatchBuffer(int batchGroups) {
        this.batchGroups = batchGroups;
    }

    /** Already trained on, or already waiting in this batch. */
    boolean isDuplicate(long promptId) {
        if (used.contains(promptId)) {
            return true;
        }
        for (ScoredGroup s : groups) {
            if (s.group().promptId() == promptId) {
                return true;
            }
        }
        return false;
    }

    /** Adds a group that is not a duplicate; true when the batch is full. */
    boolean add(ScoredGroup group) {
        groups.add(group);
        return groups.size() >= batchGroups;
    }

    /** The batch, its prompts now remembered as used; the buffer starts the next batch empty. */
    List<ScoredGroup> take() {
        List<ScoredGroup> batch = List.copyOf(groups);
        groups.clear();
        batch.forEach(s -> used.add(s.group().promptId()));
        while (used.size() > USED_IDS_KEPT) {
            used.remove(used.iterator().next());
        }
        return batch;
    }
}
