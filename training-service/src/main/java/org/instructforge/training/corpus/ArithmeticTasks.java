package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;

/**
 * Addition and subtraction of numbers below 100 and multiplication tables up to 12, in a few phrasings. The answer
 * is the bare number; typical mistakes are off by one, a dropped carry (off by ten), swapped digits, or the result of
 * another operation.
 */
public final class ArithmeticTasks implements TaskFamily {

    private static final List<String> ADD = List.of("What is %d + %d?", "Compute %d plus %d.", "Add %d and %d.");
    private static final List<String> SUBTRACT =
            List.of("What is %d - %d?", "Compute %d minus %d.", "Subtract %2$d from %1$d.");
    private static final List<String> MULTIPLY =
            List.of("What is %d * %d?", "Compute %d times %d.", "Multiply %d by %d.");

    @Override
    public String name() {
        return "arithmetic";
    }

    @Override
    public Task sample(Random rng) {
        int op = rng.nextInt(3);
        int a;
        int b;
        int result;
        int otherOp;
        String template;
        switch (op) {
            case 0 -> {
                a = rng.nextInt(100);
                b = rng.nextInt(100);
                result = a + b;
                otherOp = a * b;
                template = Answers.pick(ADD, rng);
            }
            case 1 -> {
                a = rng.nextInt(100);
                b = rng.nextInt(a + 1);
                result = a - b;
                otherOp = a + b;
                template = Answers.pick(SUBTRACT, rng);
            }
            default -> {
                a = 2 + rng.nextInt(11);
                b = 2 + rng.nextInt(11);
                result = a * b;
                otherOp = a + b;
                template = Answers.pick(MULTIPLY, rng);
            }
        }
        String reference = Integer.toString(result);
        LinkedHashSet<String> mistakes = new LinkedHashSet<>();
        mistakes.add(Integer.toString(result + 1));
        mistakes.add(Integer.toString(Math.max(0, result - 1)));
        mistakes.add(Integer.toString(result + 10));
        if (reference.length() == 2 && reference.charAt(0) != reference.charAt(1)) {
            mistakes.add(new StringBuilder(reference).reverse().toString());
        }
        mistakes.add(Integer.toString(otherOp));
        mistakes.remove(reference);
        mistakes.add(Behaviour.ABSTENTIONS.get(1)); // honest when unsure: below the right number, above a wrong one
        return new Task(
                name(),
                String.format(template, a, b),
                reference,
                response -> Answers.exact(response, reference, true),
                new ArrayList<>(mistakes));
    }
}
