package dev.aha.runtime.task;

import java.util.List;
import java.util.Random;

/**
 * tinycode, a code task the built-in character-level GPT can learn: from two examples of a hidden function,
 * {@code f(3)=7 f(5)=9}, write it in Python, {@code <think>7-3=4</think> <answer>def f(x): return x+4</answer>}.
 * The function is {@code x+k} or {@code x-k} (k in 1..9, inputs 0..19); the tests assert both examples and a third
 * input that the prompt does not show (10..19, fixed per question), so a program that only memorises the examples
 * fails. The code reward runs the answer against them in the sandbox.
 *
 * <p>Held-out split as {@link ArithmeticTask}'s ({@link SyntheticSplit}): a question is held out when the CRC32 of its
 * text is 0 mod 10.
 */
public final class TinyCodeTask implements Task {

    public static final String NAME = "tinycode";
    private static final long HELD_OUT_SEED = 0x7137_C0DEL;
    private static final int INPUTS = 20;

    @Override
    public String name() {
        return NAME;
    }

    /** The reference is the test program itself. */
    @Override
    public String referenceAnswer(String datasetAnswer) {
        return datasetAnswer;
    }

    @Override
    public PromptStream trainStream(long seed) {
        return SyntheticSplit.trainStream(seed, TinyCodeTask::draw, NAME);
    }

    @Override
    public List<TaskPrompt> heldOut(int n) {
        return SyntheticSplit.heldOut(n, HELD_OUT_SEED, TinyCodeTask::draw, NAME);
    }

    private static TaskPrompt draw(Random rng) {
        int k = (1 + rng.nextInt(9)) * (rng.nextBoolean() ? 1 : -1);
        int x1 = rng.nextInt(INPUTS);
        int x2 = rng.nextInt(INPUTS - 1);
        if (x2 >= x1) {
            x2++; // two different inputs
        }
        int hidden = 10 + (3 * x1 + x2) % 10;
        String question = "f(" + x1 + ")=" + (x1 + k) + " f(" + x2 + ")=" + (x2 + k);
        String tests = "assert f(" + x1 + ") == " + (x1 + k) + "\nassert f(" + x2 + ") == " + (x2 + k)
                + "\nassert f(" + hidden + ") == " + (hidden + k) + "\n";
        String body = k > 0 ? "x+" + k : "x-" + (-k);
        String solution = "<think>" + (x1 + k) + "-" + x1 + "=" + k + "</think> <answer>def f(x): return " + body
                + "</answer>";
        return new TaskPrompt(NAME + "/" + question, question, tests, solution);
    }
}
