package org.instructforge.web.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.DatasetSettings;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.importing.ImportFormat;
import org.instructforge.web.dataset.importing.ImportStatus;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Demo mode: one account per role, and a small prompt dataset in the task families of the default base
 * model, imported through the same importer an admin uses (two of its prompts carry PII, so the review
 * queue has something to show). Idempotent: a restart adds nothing twice.
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
    private static final String PROMPTS = "demo/everyday-instructions.jsonl";

    private static final String GUIDELINES = """
            Write the answer a careful, helpful assistant would give.
            - Follow every constraint in the instruction (length, format, language).
            - Be correct: check arithmetic and facts; say so when you do not know.
            - Be brief unless asked otherwise; no filler.""";

    private final Accounts accounts;
    private final Datasets datasets;
    private final PromptImporter importer;
    private final Environment environment;

    DemoData(Accounts accounts, Datasets datasets, PromptImporter importer, Environment environment) {
        this.accounts = accounts;
        this.datasets = datasets;
        this.importer = importer;
        this.environment = environment;
    }

    /**
     * The port the server actually listens on: runners run once it has started, when Spring Boot has published it as
     * {@code local.server.port} (PORT, or a random port in tests); the configured one otherwise.
     */
    private String port() {
        return environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        StringBuilder banner = new StringBuilder("\n=== InstructForge demo accounts (demo mode only) ===\n");
        for (DemoAccount demo : ACCOUNTS) {
            if (!accounts.exists(demo.username())) {
                accounts.create(demo.username(), demo.displayName(), demo.password(), Set.of(demo.role()), null);
            }
            banner.append(
                    String.format("  %-12s user: %-10s password: %s%n", demo.role(), demo.username(), demo.password()));
        }
        ImportStatus imported = importDemoPrompts();
        banner.append(String.format(
                "  Demo dataset '%s': %d prompts added, %d already present.%n",
                DATASET, imported.promptsAdded(), imported.promptsAlreadyPresent()));
        System.out.println(banner.append("  Open http://localhost:" + port() + " and sign in.\n")
                .append("====================================================\n"));
    }

    private ImportStatus importDemoPrompts() throws IOException {
        long datasetId = datasets.idOf(DATASET).orElseGet(() -> datasets.create(settings(), null));
        Path file = Files.createTempFile("instructforge-demo-", ".jsonl");
        try (InputStream in = new ClassPathResource(PROMPTS).getInputStream()) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return importer.runNow(new PromptImporter.ImportRequest(
                datasetId, "everyday-instructions.jsonl", ImportFormat.JSONL, false, file, null));
    }

    private static DatasetSettings settings() {
        DatasetSettings d = DatasetSettings.defaults();
        return new DatasetSettings(
                DATASET,
                "A small set of prompts in the default model's task families.",
                GUIDELINES,
                true,
                d.maxPromptsPerUser(),
                d.dedupPrefixChars(),
                d.labelsPerItem(),
                d.overlapShare(),
                d.trainRatio(),
                d.validRatio(),
                d.testRatio(),
                d.reviewPercent(),
                d.phoneRegions());
    }
}
