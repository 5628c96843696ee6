package dev.aha.runtime.tokenizer;

import java.util.Arrays;

/**
 * One token per character, for the synthetic tasks: ids 0 and 1 are pad and end, 2 is "unknown", then newline and
 * printable ASCII (space to '~'). Characters outside that set encode as unknown and decode as U+FFFD, so encode never
 * fails and a decoded completion shows where the model wandered off the alphabet.
 */
public final class CharTokenizer implements Tokenizer {

    public static final int PAD = 0;
    public static final int END = 1;
    public static final int UNKNOWN = 2;
    private static final int NEWLINE = 3;
    private static final int FIRST_PRINTABLE_ID = 4;
    private static final char FIRST_PRINTABLE = ' ';
    private static final char LAST_PRINTABLE = '~';
    private static final int VOCAB_SIZE = FIRST_PRINTABLE_ID + (LAST_PRINTABLE - FIRST_PRINTABLE + 1);

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public int endId() {
        return END;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOf(text.charAt(i));
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        char[] text = new char[ids.length]; // one array, no builder growth: decoding runs for every completion
        int n = 0;
        for (int id : ids) {
            if (id != PAD && id != END) {
                text[n++] = charOf(id);
            }
        }
        return new String(text, 0, n);
    }

    private static int idOf(char c) {
        if (c == '\n') {
            return NEWLINE;
        }
        if (c >= FIRST_PRINTABLE && c <= LAST_PRINTABLE) {
            return FIRST_PRINTABLE_ID + (c - FIRST_PRINTABLE);
        }
        return UNKNOWN;
    }

    private static char charOf(int id) {
        if (id == NEWLINE) {
            return '\n';
        }
        if (id >= FIRST_PRINTABLE_ID && id < VOCAB_SIZE) {
            return (char) (FIRST_PRINTABLE + (id - FIRST_PRINTABLE_ID));
        }
        if (id == UNKNOWN) {
            return '\uFFFD';
        }
        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + VOCAB_SIZE + ")");
    }

    @Override
    public String toString() {
        return "CharTokenizer(vocab=" + VOCAB_SIZE + ", " + Arrays.toString(new int[] {PAD, END}) + " = pad, end)";
    }
}
