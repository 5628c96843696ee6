package dev.aha.runtime.task;

import java.util.ArrayList;
import java.util.List;

/**
 * One expression, its value with the usual precedence (* before + and -, then left to right), and a worked
 * solution that shows each step in that order.
 */
record ArithmeticProblem(String expression, long value, String solution, boolean anyNegativeStep) {

    static ArithmeticProblem of(long[] operands, char[] operators) {
        List<Long> values = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        StringBuilder expression = new StringBuilder().append(operands[0]);
        StringBuilder steps = new StringBuilder();
        boolean negative = false;
        values.add(operands[0]);
        for (int i = 0; i < operators.length; i++) {
            expression.append(operators[i]).append(operands[i + 1]);
            if (operators[i] == '*') {
                long left = values.remove(values.size() - 1);
                long product = left * operands[i + 1];
                step(steps, left, '*', operands[i + 1], product);
                values.add(product);
            } else {
                ops.add(operators[i]);
                values.add(operands[i + 1]);
            }
        }
        long acc = values.get(0);
        for (int i = 0; i < ops.size(); i++) {
            long next = ops.get(i) == '+' ? acc + values.get(i + 1) : acc - values.get(i + 1);
            step(steps, acc, ops.get(i), values.get(i + 1), next);
            negative |= next < 0;
            acc = next;
        }
        String think = steps.length() == 0 ? expression + "=" + acc : steps.toString().trim();
        String solution = "<think>" + think + "</think> <answer>" + acc + "</answer>";
        return new ArithmeticProblem(expression.toString(), acc, solution, negative);
    }

    private static void step(StringBuilder steps, long a, char op, long b, long result) {
        steps.append(a).append(op).append(b).append('=').append(result).append(' ');
    }
}
