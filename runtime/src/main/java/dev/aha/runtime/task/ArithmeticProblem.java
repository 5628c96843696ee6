package dev.aha.runtime.task;

import java.util.ArrayList;
import java.util.List;

/**
 * One expression, its value with the usual precedence (* before + and -, then left to right), and a worked
 * solution that shows each step in that order.
 */
record ArithmeticProblem(String expression, long value, String solution, boolean anyNegativeStep,
        List<Step> steps) {

    /** One operation of the worked solution: {@code left op right = result}. */
    record Step(String operation, long result) {
    }

    /** The problem of an expression {@link #of} wrote: non-negative operands joined by +, - and *. */
    static ArithmeticProblem parse(String expression) {
        String[] numbers = expression.split("[+*-]", -1);
        long[] operands = new long[numbers.length];
        char[] operators = new char[numbers.length - 1];
        int at = 0;
        for (int i = 0; i < numbers.length; i++) {
            if (numbers[i].isEmpty() || !numbers[i].chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an expression of non-negative operands: " + expression);
            }
            operands[i] = Long.parseLong(numbers[i]);
            at += numbers[i].length();
            if (i < operators.length) {
                operators[i] = expression.charAt(at++);
            }
        }
        return of(operands, operators);
    }

    static ArithmeticProblem of(long[] operands, char[] operators) {
        List<Long> values = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        StringBuilder expression = new StringBuilder().append(operands[0]);
        StringBuilder steps = new StringBuilder();
        List<Step> worked = new ArrayList<>();
        boolean negative = false;
        values.add(operands[0]);
        for (int i = 0; i < operators.length; i++) {
            expression.append(operators[i]).append(operands[i + 1]);
            if (operators[i] == '*') {
                long left = values.remove(values.size() - 1);
                long product = left * operands[i + 1];
                step(steps, worked, left, '*', operands[i + 1], product);
                values.add(product);
            } else {
                ops.add(operators[i]);
                values.add(operands[i + 1]);
            }
        }
        long acc = values.get(0);
        for (int i = 0; i < ops.size(); i++) {
            long next = ops.get(i) == '+' ? acc + values.get(i + 1) : acc - values.get(i + 1);
            step(steps, worked, acc, ops.get(i), values.get(i + 1), next);
            negative |= next < 0;
            acc = next;
        }
        String think = steps.length() == 0 ? expression + "=" + acc : steps.toString().trim();
        String solution = "<think>" + think + "</think> <answer>" + acc + "</answer>";
        return new ArithmeticProblem(expression.toString(), acc, solution, negative, List.copyOf(worked));
    }

    private static void step(StringBuilder steps, List<Step> worked, long a, char op, long b, long result) {
        steps.append(a).append(op).append(b).append('=').append(result).append(' ');
        worked.add(new Step(a + String.valueOf(op) + b, result));
    }
}
