package org.instructforge.web.demo;

import java.util.List;
import java.util.Set;
import org.instructforge.shared.PromptCategory;
import org.instructforge.shared.PromptSource;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.NewPrompt;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Demo mode: one account per role and a small prompt dataset in the task families of the default
 * base model, so a new user can sign in and look around. Idempotent: a restart adds nothing twice.
 */
@Component
@Order(0)
@ConditionalOnBooleanProperty("instructforge.demo.enabled")
class DemoData implements ApplicationRunner {

    record DemoAccount(String username, String displayName, String password, Role role) {}

    static final List<DemoAccount> ACCOUNTS = List.of(
            new DemoAccount("labeler", "Demo Labeler", "labeler-demo", Role.LABELER),
            new DemoAccount("admin", "Demo Admin", "admin-demo", Role.ADMIN),
            new DemoAccount("engineer", "Demo ML Engineer", "engineer-demo", Role.ML_ENGINEER));

    static final String DATASET = "Demo: everyday instructions";

    private static final String GUIDELINES = """
            Write the answer a careful, helpful assistant would give.
            - Follow every constraint in the instruction (length, format, language).
            - Be correct: check arithmetic and facts; say so when you do not know.
            - Be brief unless asked otherwise; no filler.
            """;

    private final Accounts accounts;
    private final Datasets datasets;

    DemoData(Accounts accounts, Datasets datasets) {
        this.accounts = accounts;
        this.datasets = datasets;
    }

    @Override
    public void run(ApplicationArguments args) {
        StringBuilder banner = new StringBuilder("\n=== InstructForge demo accounts (demo mode only) ===\n");
        for (DemoAccount demo : ACCOUNTS) {
            if (!accounts.exists(demo.username())) {
                accounts.create(demo.username(), demo.displayName(), demo.password(), Set.of(demo.role()), null);
            }
            banner.append(
                    String.format("  %-12s user: %-10s password: %s%n", demo.role(), demo.username(), demo.password()));
        }
        datasets.createWithPrompts(
                DATASET, "A small set of prompts in the default model's task families.", GUIDELINES, prompts(), null);
        System.out.println(banner.append("  Open http://localhost:8080 and sign in.\n")
                .append("====================================================\n"));
    }

    private static List<NewPrompt> prompts() {
        return List.of(
                prompt("What is 17 plus 25?", "cust-001", PromptCategory.CLOSED_QA),
                prompt("Multiply 12 by 9 and explain each step.", "cust-002", PromptCategory.OPEN_QA),
                prompt("Reverse the word 'lantern'.", "lab-ann", PromptCategory.REWRITE),
                prompt("Sort these words alphabetically: pear, apple, mango, fig.", "cust-003", PromptCategory.REWRITE),
                prompt("What is the capital of Portugal?", "cust-004", PromptCategory.CLOSED_QA),
                prompt("Name three animals that live in the ocean.", "lab-bo", PromptCategory.BRAINSTORMING),
                prompt(
                        "Write a two-line poem about rain. Use exactly two lines.",
                        "cust-005",
                        PromptCategory.GENERATION),
                prompt(
                        "Answer in one word: what colour is the sky on a clear day?",
                        "cust-006",
                        PromptCategory.CLOSED_QA),
                prompt(
                        "Turn this list into a comma-separated line: red\ngreen\nblue",
                        "lab-ann",
                        PromptCategory.REWRITE),
                prompt(
                        "Summarise in one sentence: The meeting moved from Monday to Wednesday because the "
                                + "projector was broken, and everyone agreed Wednesday works better.",
                        "cust-007",
                        PromptCategory.SUMMARIZATION),
                prompt("Is 91 a prime number? Answer yes or no, then explain.", "cust-008", PromptCategory.CLOSED_QA),
                prompt(
                        "Classify the sentiment of: 'The soup was cold and the waiter ignored us.'",
                        "cust-009",
                        PromptCategory.CLASSIFICATION),
                prompt(
                        "Extract the numbers from: 'We bought 3 apples, 12 eggs and 2 loaves.'",
                        "lab-bo",
                        PromptCategory.EXTRACT),
                prompt("Write the word 'banana' in capital letters.", "cust-010", PromptCategory.REWRITE),
                prompt("Give me a list of five fruits, one per line.", "cust-011", PromptCategory.BRAINSTORMING),
                prompt("How many legs does a spider have?", "cust-012", PromptCategory.OPEN_QA),
                prompt("What is 144 divided by 12?", "lab-cy", PromptCategory.CLOSED_QA),
                prompt("Count the vowels in the word 'education'.", "cust-013", PromptCategory.OTHER),
                prompt("Say hello in French, Spanish and German.", "cust-014", PromptCategory.GENERATION),
                prompt("Rewrite politely: 'Send me the report now.'", "cust-015", PromptCategory.REWRITE),
                prompt("Which planet is closest to the sun?", "lab-cy", PromptCategory.CLOSED_QA),
                prompt("Let's chat: what is a good name for a grey cat?", "cust-016", PromptCategory.CHAT),
                prompt(
                        "Answer in JSON with keys 'city' and 'country': where is the Eiffel Tower?",
                        "cust-017",
                        PromptCategory.OTHER),
                prompt("What is the next number: 2, 4, 8, 16, ...?", "cust-018", PromptCategory.OPEN_QA));
    }

    private static NewPrompt prompt(String text, String user, PromptCategory category) {
        PromptSource source = user.startsWith("lab-") ? PromptSource.LABELER : PromptSource.CUSTOMER;
        return new NewPrompt(text, user, source, category);
    }
}
