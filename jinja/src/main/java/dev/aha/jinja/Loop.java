package dev.aha.jinja;

import java.util.List;

/** The {@code loop} variable of a {@code for} block: position, neighbours, {@code cycle}. */
final class Loop {

    private final List<Object> items;
    private int index0;

    Loop(List<Object> items) {
        this.items = items;
    }

    void moveTo(int index) {
        this.index0 = index;
    }

    long index() {
        return index0 + 1L;
    }

    long length() {
        return items.size();
    }

    /** The attribute's value, or {@link Access#NOT_FOUND}. */
    Object attribute(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> index0 + 1L;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : Undefined.because("there is no previous item");
            case "nextitem" -> index0 < n - 1 ? items.get(index0 + 1) : Undefined.because("there is no next item");
            default -> Access.NOT_FOUND;
        };
    }

    Object cycle(List<Object> values) {
        if (values.isEmpty()) {
            throw new JinjaException("TypeError: no items for cycling given");
        }
        return values.get(index0 % values.size());
    }
}
