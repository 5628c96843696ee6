package dev.aha.jinja;

/** The value of {@code [start:stop:step]}; a {@code null} bound is Python's {@code None}. */
record PySlice(Long start, Long stop, Long step) {

    /** The indices a Python slice selects from a sequence of {@code length} items, in order. */
    int[] indices(int length) {
        long s = step == null ? 1 : step;
        if (s == 0) {
            throw new JinjaException("ValueError: slice step cannot be zero");
        }
        long lo;
        long hi;
        if (s > 0) {
            lo = start == null ? 0 : clamp(start, length, 0, length);
            hi = stop == null ? length : clamp(stop, length, 0, length);
        } else {
            lo = start == null ? length - 1 : clamp(start, length, -1, length - 1);
            hi = stop == null ? -1 : clamp(stop, length, -1, length - 1);
        }
        int count = (int) (s > 0 ? (hi > lo ? (hi - lo + s - 1) / s : 0) : (lo > hi ? (lo - hi - s - 1) / -s : 0));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) (lo + i * s);
        }
        return out;
    }

    private static long clamp(long bound, int length, long min, long max) {
        long b = bound < 0 ? bound + length : bound;
        return Math.max(min, Math.min(max, b));
    }
}
