package org.instructforge.web.ranking;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A dataset with one prompt and one ranking task of four outputs, and fresh labelers. */
final class RankingFixtures {

    private RankingFixtures() {}

    static long datasetWithPrompt(Datasets datasets, PromptImporter importer, JdbcClient jdbc, String prompt)
            throws Exception {
        long id = datasets.create(ImportFixtures.allTrain("ranking", 1, "0"), "tester");
        ImportFixtures.importLines(importer, id, false, List.of(ImportFixtures.line(prompt, "u1")));
        return id;
    }

    static long promptOf(JdbcClient jdbc, long datasetId) {
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", datasetId)
                .query(Long.class)
                .single();
    }

    static CandidateImport.Report importOutputs(CandidateImport candidates, long datasetId, String... lines) {
        String file = String.join("\n", lines) + "\n";
        return candidates.importFile(
                datasetId, new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), "admin");
    }

    static String fourOutputs(long promptId) {
        return "{\"prompt_id\": " + promptId + ", \"outputs\": [{\"text\": \"Lima\", \"model\": \"sft-1\"}, "
                + "{\"text\": \"Lima is the capital of Peru.\", \"model\": \"ppo-1\"}, {\"text\": \"Cusco\"}, "
                + "{\"text\": \"<script>alert('x')</script><b>bold</b>\"}]}";
    }

    static String labeler(Accounts accounts) {
        String name = "rk-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, "secret-password", Set.of(Role.LABELER), null);
        return name;
    }
}
