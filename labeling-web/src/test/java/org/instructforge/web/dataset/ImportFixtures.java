package org.instructforge.web.dataset;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.instructforge.web.dataset.importing.ImportFormat;
import org.instructforge.web.dataset.importing.ImportStatus;
import org.instructforge.web.dataset.importing.PromptImporter;

/** Datasets and import files for the curation, import and PII tests. */
public final class ImportFixtures {

    private ImportFixtures() {}

    public static DatasetSettings settings(String name, int maxPerUser, int dedupPrefix, boolean keepOriginals) {
        return new DatasetSettings(
                name + " " + UUID.randomUUID(),
                "test",
                "be kind",
                keepOriginals,
                maxPerUser,
                dedupPrefix,
                1,
                BigDecimal.ZERO,
                new BigDecimal("0.8"),
                new BigDecimal("0.1"),
                new BigDecimal("0.1"),
                0,
                null);
    }

    /** Every prompt in the training split, with the given overlap: for queue tests. */
    public static DatasetSettings allTrain(String name, int labelsPerItem, String overlapShare) {
        return allTrain(name, labelsPerItem, overlapShare, 0);
    }

    /** ... with this share (0-100 %) of submitted labels picked for review. */
    public static DatasetSettings allTrain(String name, int labelsPerItem, String overlapShare, int reviewPercent) {
        return new DatasetSettings(
                name + " " + UUID.randomUUID(),
                "test",
                "Answer briefly.",
                false,
                200,
                200,
                labelsPerItem,
                new BigDecimal(overlapShare),
                BigDecimal.ONE,
                BigDecimal.ZERO,
                BigDecimal.ZERO,
                reviewPercent,
                null);
    }

    public static Path file(String... lines) throws IOException {
        return bytes(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
    }

    public static Path bytes(byte[] content) throws IOException {
        Path file = Files.createTempFile("import-test-", ".data");
        Files.write(file, content);
        return file;
    }

    public static String line(String prompt, String user) {
        return "{\"prompt\": \"" + prompt + "\", \"user_id\": \"" + user + "\"}";
    }

    public static ImportStatus importLines(PromptImporter importer, long datasetId, boolean skipBad, List<String> lines)
            throws IOException {
        return importer.runNow(new PromptImporter.ImportRequest(
                datasetId, "test.jsonl", ImportFormat.JSONL, skipBad, file(lines.toArray(String[]::new)), "tester"));
    }
}
