package dev.aha.jinja;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A Python tuple: {@code (a, b)} literals and the pairs of {@code dict.items()}. Kept apart from lists because
 * Python prints it with parentheses, {@code (1, 2) != [1, 2]}, and {@code startswith} accepts a tuple, not a list.
 */
final class PyTuple extends AbstractList<Object> implements RandomAccess {

    private final List<Object> items;

    PyTuple(List<?> items) {
        this.items = new ArrayList<>(items);
    }

    static PyTuple of(Object... items) {
        return new PyTuple(List.of(items));
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
