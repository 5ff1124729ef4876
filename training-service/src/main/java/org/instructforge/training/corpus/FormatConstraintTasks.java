package org.instructforge.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A task of another family with a format constraint appended: capital letters, lower case, one word, or JSON with a
 * given key. Half of the score is the content (the inner task's answer, read through the format), half is obeying
 * the format, so a right answer in the wrong format scores 0.5 and a well-formatted wrong one 0.5 as well.
 * The typical mistake is the plain answer, the constraint ignored.
 */
public final class FormatConstraintTasks implements TaskFamily {

    private static final Pattern JSON_ANSWER =
            Pattern.compile("^\\{\\s*\"answer\"\\s*:\\s*(?:\"([^\"]*)\"|(-?\\d+))\\s*\\}$");
    private static final Pattern HAS_LETTER = Pattern.compile("\\p{L}");

    private enum Constraint {
        CAPITALS,
        LOWER_CASE,
        ONE_WORD,
        JSON
    }

    private final List<TaskFamily> inner;

    public FormatConstraintTasks() {
        this(List.of(new ArithmeticTasks(), new FactualQaTasks(KnowledgeBase.builtIn()), new WordTasks()));
    }

    public FormatConstraintTasks(List<TaskFamily> inner) {
        this.inner = List.copyOf(inner);
    }

    @Override
    public String name() {
        return "format";
    }

    @Override
    public Task sample(Random rng) {
        Task base = Answers.pick(inner, rng).sample(rng);
        String ref = base.reference();
        List<Constraint> fitting = new ArrayList<>();
        fitting.add(Constraint.JSON);
        if (!ref.contains(" ")) {
            fitting.add(Constraint.ONE_WORD);
        }
        if (HAS_LETTER.matcher(ref).find() && !ref.equals(ref.toUpperCase(Locale.ROOT))) {
            fitting.add(Constraint.CAPITALS);
        }
        boolean asksForCapitals =
                base.prompt().contains("capital letters") || base.prompt().contains("uppercase");
        if (!ref.equals(ref.toLowerCase(Locale.ROOT)) && !asksForCapitals) {
            fitting.add(Constraint.LOWER_CASE);
        }
        Constraint c = Answers.pick(fitting, rng);
        String instruction = switch (c) {
            case CAPITALS -> Answers.pick(List.of("Answer in capital letters.", "Reply in all caps."), rng);
            case LOWER_CASE -> "Answer in lower case letters only.";
            case ONE_WORD -> Answers.pick(List.of("Answer in one word.", "Reply with a single word."), rng);
            case JSON -> "Answer in JSON with the key \"answer\".";
        };
        String reference = format(c, ref);
        LinkedHashSet<String> mistakes = new LinkedHashSet<>();
        mistakes.add(ref); // the constraint ignored
        if (c == Constraint.ONE_WORD) {
            mistakes.add("The answer is " + ref + ".");
        }
        if (c == Constraint.JSON) {
            mistakes.add("{\"result\": \"" + ref + "\"}");
        }
        for (String wrong :
                base.mistakes().subList(0, Math.min(2, base.mistakes().size()))) {
            mistakes.add(format(c, wrong)); // the format obeyed, the content wrong
        }
        mistakes.remove(reference);
        return new Task(
                name(),
                base.prompt() + " " + instruction,
                reference,
                response -> score(c, base, response),
                new ArrayList<>(mistakes),
                Task.Kind.ANSWER,
                response -> follows(c, response));
    }

    private static String format(Constraint c, String answer) {
        return switch (c) {
            case CAPITALS -> answer.toUpperCase(Locale.ROOT);
            case LOWER_CASE -> answer.toLowerCase(Locale.ROOT);
            case ONE_WORD -> answer;
            case JSON -> "{\"answer\": \"" + answer + "\"}";
        };
    }

    /** Whether the response obeys the constraint, whatever its content. */
    private static boolean follows(Constraint c, String response) {
        String r = Answers.normalize(response);
        return switch (c) {
            case CAPITALS -> HAS_LETTER.matcher(r).find() && r.equals(r.toUpperCase(Locale.ROOT));
            case LOWER_CASE -> HAS_LETTER.matcher(r).find() && r.equals(r.toLowerCase(Locale.ROOT));
            case ONE_WORD -> !r.isEmpty() && !r.contains(" ");
            case JSON -> JSON_ANSWER.matcher(response.strip()).matches();
        };
    }

    private static double score(Constraint c, Task base, String response) {
        String r = Answers.normalize(response);
        boolean formatOk = follows(c, response);
        double content;
        switch (c) {
            case CAPITALS, LOWER_CASE -> content = Answers.exact(r, base.reference(), false);
            case ONE_WORD -> content = base.score(r);
            default -> {
                Matcher m = JSON_ANSWER.matcher(response.strip());
                String value = !m.matches() ? r : m.group(1) != null ? m.group(1) : m.group(2);
                content = base.score(value);
            }
        }
        return 0.5 * content + 0.5 * (formatOk ? 1 : 0);
    }
}
