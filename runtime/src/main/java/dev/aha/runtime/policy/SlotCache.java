package dev.aha.runtime.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values of many independent sequences, each in its own slot of one buffer per layer allocated once at
 * start-up: (slots, kv heads, capacity, head dim). Sequences sit at different positions, so a decode step writes each
 * row's new key at that row's own length and masks every key past it.
 *
 * <p>The active sequences always occupy rows {@code 0 .. rows()-1}: a batched decode reads a plain slice, never a
 * gather of scattered slots. {@link #evict} keeps that true by moving the last active row into the freed one (one
 * slot's copy per layer, far cheaper than gathering every step).
 *
 * <p>Not thread-safe; one per rollout engine, used from its compute thread.
 */
public final class SlotCache implements LayerCache {

    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray[] keyViews;
    private final NDArray[] valueViews;
    private final int capacity;
    private final int[] lengths;
    private int rows;
    /** Keys every active row reads in the current decode step: the longest active row plus its new token. */
    private int span;
    /** Where the current step writes: each active row's length, (rows,) int64. */
    private NDArray stepPositions;
    /** Every active row is at the same position this step (one group, or groups admitted together). */
    private boolean aligned;

    private SlotCache(NDArray[] keys, NDArray[] values, int slots, int capacity) {
        this.keys = keys;
        this.values = values;
        this.keyViews = new NDArray[keys.length];
        this.valueViews = new NDArray[keys.length];
        this.capacity = capacity;
        this.lengths = new int[slots];
    }

    /**
     * Zeroed buffers for {@code slots} sequences of up to {@code capacity} positions, in {@code manager}: takes
     * {@link KvShape#bytes}{@code (slots, capacity, type)}.
     */
    public static SlotCache allocate(NDManager manager, KvShape kv, int slots, int capacity, DataType type) {
        if (slots <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("a slot cache needs positive slots and capacity, not " + slots + " and "
                    + capacity);
        }
        int layers = kv.layers();
        NDArray[] k = new NDArray[layers];
        NDArray[] v = new NDArray[layers];
        Shape shape = new Shape(slots, kv.kvHeads(), capacity, kv.headDim());
        for (int l = 0; l < layers; l++) {
            k[l] = manager.zeros(shape, type);
            v[l] = manager.zeros(shape, type);
        }
        return new SlotCache(k, v, slots, capacity);
    }

    public int slots() {
        return lengths.length;
    }

    public int capacity() {
        return capacity;
    }

    /** Active sequences, in rows 0 .. rows()-1. */
    public int rows() {
        return rows;
    }

    public int freeSlots() {
        return lengths.length - rows;
    }

    /** Positions cached for active row {@code row}: where its next token goes. */
    public int length(int row) {
        checkRow(row);
        return lengths[row];
    }

    /**
     * Places a prefilled prompt's keys and values in the next {@code copies} free rows: the G samples of one prompt
     * share its single prefill.
     *
     * @param prefilled a cache of one sequence, as {@link Policy#prefill} with batch 1 leaves it
     * @return the first of the new rows
     */
    public int admit(KvCache prefilled, int copies) {
        int p = prefilled.length();
        if (copies <= 0 || copies > freeSlots()) {
            throw new IllegalArgumentException("cannot admit " + copies + " sequences: " + freeSlots() + " of "
                    + slots() + " slots free");
        }
        if (p >= capacity) {
            throw new IllegalArgumentException("a prompt of " + p + " positions leaves no room in slots of "
                    + capacity);
        }
        int first = rows;
        NDIndex target = new NDIndex("{}:{}, :, :{}, :", first, first + copies, p);
        for (int l = 0; l < keys.length; l++) {
            keys[l].set(target, prefilled.keys(l).toType(keys[l].getDataType(), false));
            values[l].set(target, prefilled.values(l).toType(values[l].getDataType(), false));
        }
        for (int r = first; r < first + copies; r++) {
            lengths[r] = p;
        }
        rows += copies;
        return first;
    }

    /**
     * Frees active row {@code row}. The last active row moves into it, so the active rows stay contiguous.
     *
     * @return the row that moved into {@code row} (its old index), or -1 when {@code row} was the last
     */
    public int evict(int row) {
        checkRow(row);
        int last = rows - 1;
        rows--;
        if (row == last) {
            lengths[last] = 0;
            return -1;
        }
        NDIndex from = new NDIndex("{}", last);
        NDIndex to = new NDIndex("{}", row);
        for (int l = 0; l < keys.length; l++) {
            try (NDArray k = keys[l].get(from); NDArray v = values[l].get(from)) {
                keys[l].set(to, k);
                values[l].set(to, v);
            }
        }
        lengths[row] = lengths[last];
        lengths[last] = 0;
        return last;
    }

    /**
     * Starts a decode step of every active row: fails before any compute when a row is full, and fixes how many
     * key positions the step reads and where each row writes (in {@code scope}, the step's manager).
     */
    public void beginStep(NDManager scope) {
        if (rows == 0) {
            throw new IllegalStateException("no active sequence to decode");
        }
        int longest = 0;
        aligned = true;
        for (int r = 0; r < rows; r++) {
            if (lengths[r] >= capacity) {
                throw new IllegalStateException("row " + r + " holds " + lengths[r]
                        + " positions, its slot's capacity");
            }
            longest = Math.max(longest, lengths[r]);
            aligned &= lengths[r] == lengths[0];
        }
        span = longest + 1;
        stepPositions = aligned ? null : positionIds(scope);
    }

    /** The position every active row's new token takes in this step when they all take the same one, else -1. */
    public int alignedPosition() {
        return aligned ? lengths[0] : -1;
    }

    /** Each active row's position for its new token. */
    public int[] positions() {
        return java.util.Arrays.copyOf(lengths, rows);
    }

    /**
     * This step's positions as (rows,) int64, made once by {@link #beginStep}: where {@link #append} writes, and
     * what a learned position table is indexed by. Null when the rows are aligned ({@link #alignedPosition}).
     */
    public NDArray stepPositions() {
        return stepPositions;
    }

    private NDArray positionIds(NDManager scope) {
        long[] p = new long[rows];
        for (int r = 0; r < rows; r++) {
            p[r] = lengths[r];
        }
        return scope.create(p);
    }

    /**
     * Additive mask over the step's keys, (rows, span): row r sees positions 0 .. length(r) (its new token
     * included); positions past it hold another sequence's leftovers or zeros and get float32's lowest value. Null
     * when every row is at the same position: each then sees every key the step reads.
     */
    public NDArray keyMask(NDManager scope) {
        if (aligned) {
            return null;
        }
        float[] mask = new float[rows * span];
        for (int r = 0; r < rows; r++) {
            for (int j = lengths[r] + 1; j < span; j++) {
                mask[r * span + j] = -Float.MAX_VALUE;
            }
        }
        return scope.create(mask, new Shape(rows, span));
    }

    /**
     * Writes one layer's new keys and values (rows, kv, 1, hd) at each row's own position and returns the keys the
     * step attends to, (rows, kv, span, hd). Positions advance once the last layer has appended.
     */
    @Override
    public NDArray append(int layer, NDArray newKeys, NDArray newValues) {
        DataType type = keys[layer].getDataType();
        if (aligned) { // one slice for every row: cheaper than advanced indexing
            // built, not parsed: this runs twice per layer and token
            NDIndex written = new NDIndex().addSliceDim(0, rows).addAllDim().addSliceDim(lengths[0], lengths[0] + 1);
            keys[layer].set(written, newKeys.toType(type, false));
            values[layer].set(written, newValues.toType(type, false));
        } else {
            NDArray rowIds = newKeys.getManager().arange(0, rows, 1, DataType.INT64);
            // Advanced indices on axes 0 and 2 pair up row r with position p[r]: the value is (rows, kv, hd).
            NDIndex written = new NDIndex("{}, :, {}", rowIds, stepPositions);
            keys[layer].set(written, newKeys.squeeze(2).toType(type, false));
            values[layer].set(written, newValues.squeeze(2).toType(type, false));
        }
        NDIndex read = new NDIndex().addSliceDim(0, rows).addAllDim().addSliceDim(0, span);
        replaceViews(layer, keys[layer].get(read), values[layer].get(read));
        if (layer == keys.length - 1) {
            for (int r = 0; r < rows; r++) {
                lengths[r]++;
            }
        }
        return keyViews[layer];
    }

    @Override
    public NDArray values(int layer) {
        return valueViews[layer];
    }

    /**
     * Every layer's key buffer, (slots, kv heads, capacity, head dim), for a decode step that writes the single
     * active row's keys itself ({@link #advanceSingleRow}); {@link #valueBuffers} are the values'.
     */
    public NDArray[] keyBuffers() {
        return keys;
    }

    /** Every layer's value buffer, as {@link #keyBuffers}. */
    public NDArray[] valueBuffers() {
        return values;
    }

    /** The buffers' element type: the rollout's dtype. */
    public DataType type() {
        return keys[0].getDataType();
    }

    /**
     * Ends a step begun by {@link #beginStep} whose keys and values a native step wrote into row 0 of every layer's
     * buffers at {@link #length length(0)}, instead of through {@link #append}: the row's length grows by one.
     */
    public void advanceSingleRow() {
        if (rows != 1) {
            throw new IllegalStateException("a single-row step with " + rows + " active rows");
        }
        lengths[0]++;
    }

    /** A copy of active row {@code row}'s keys in {@code layer}, (kv heads, length, head dim): for inspection. */
    NDArray keysOf(int layer, int row) {
        checkRow(row);
        try (NDArray view = keys[layer].get(new NDIndex("{}, :, :{}, :", row, lengths[row]))) {
            return view.duplicate();
        }
    }

    private void replaceViews(int layer, NDArray k, NDArray v) {
        if (keyViews[layer] != null) {
            keyViews[layer].close(); // views: closing them leaves the buffers alone
            valueViews[layer].close();
        }
        keyViews[layer] = k;
        valueViews[layer] = v;
    }

    private void checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " is not active (" + rows + " active)");
        }
    }
}
