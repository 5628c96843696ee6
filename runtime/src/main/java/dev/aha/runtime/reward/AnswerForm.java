package dev.aha.runtime.reward;

import java.util.List;
import java.util.regex.Pattern;

/** An answer's shape: one value, an ordered bracketed sequence, or an unordered group (a set or a union). */
sealed interface AnswerForm permits AnswerForm.Scalar, AnswerForm.Sequence, AnswerForm.Group {

    /** Structures nested deeper than this, or with more items, are compared as plain text. */
    int MAX_DEPTH = 4;
    int MAX_ITEMS = 32;
    Pattern EMPTY_SET = Pattern.compile("\\\\emptyset|\\\\varnothing|∅|\\\\\\{\\s*\\\\}|\\{\\s*}");

    record Scalar(String text) implements AnswerForm {
    }

    record Sequence(char open, char close, List<String> items) implements AnswerForm {
    }

    /** @param union whether the items are the parts of a union of intervals rather than a set's elements */
    record Group(List<String> items, boolean union) implements AnswerForm {
    }

    /** @param depth how deep {@code raw} sits in the answer it is part of */
    static AnswerForm of(String raw, int depth) {
        String s = ScalarAnswer.PREFIX.matcher(AnswerNormalizer.stripMarkup(raw)).replaceFirst("").strip();
        if (EMPTY_SET.matcher(s).matches()) {
            return new Group(List.of(), false);
        }
        List<String> union = Brackets.splitTopLevel(s, true);
        if (union != null && union.size() > 1) {
            return union.size() > MAX_ITEMS ? new Scalar(s) : new Group(union, true);
        }
        Brackets.Enclosure enclosure = Brackets.enclosure(s);
        if (enclosure != null) {
            List<String> items = Brackets.splitTopLevel(enclosure.inside(), false);
            if (items == null || items.size() > MAX_ITEMS) {
                return new Scalar(s);
            }
            // One item in brackets or a plain LaTeX group is that item: (5) is 5, (A) is A, {18} is 18,
            // ((1, 2)) is (1, 2); \{5\} stays a set.
            boolean grouping = enclosure.isSequence() || enclosure.open() == '{';
            if (items.size() == 1 && grouping && depth < MAX_DEPTH) {
                return of(items.get(0), depth + 1);
            }
            if (enclosure.isSet()) {
                return new Group(items.size() == 1 && items.get(0).isBlank() ? List.of() : items, false);
            }
            if (enclosure.isSequence()) {
                return new Sequence(enclosure.open(), enclosure.close(), items);
            }
            return new Scalar(s);
        }
        List<String> list = Brackets.splitTopLevel(s, false);
        if (list != null && list.size() > 1 && list.size() <= MAX_ITEMS && !ScalarAnswer.isNumber(s)
                && list.stream().allMatch(ScalarAnswer::isNumber)) {
            return new Group(list, false);
        }
        return new Scalar(s);
    }
}
