package org.instructforge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.dataset.Datasets;
import org.instructforge.web.dataset.ImportFixtures;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.ranking.CandidateImport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * Input the database cannot take, or that cannot be imported, is refused with a clear 400 (415 for a body that is
 * not an upload) and nothing is written: NUL characters (U+0000) in any text a form, parameter, JSON body or
 * uploaded file brings (StorableText), non-multipart posts to upload pages, and empty import files.
 */
@SpringBootTest(properties = "instructforge.labeling.claims-per-minute=1000")
@AutoConfigureMockMvc
class BadInputTest {

    private static final String PASSWORD = "bad-input-password";
    private static final String NUL = "\u0000";
    private static final RequestPostProcessor ADMIN = user("bad-input-admin").roles("ADMIN");

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    CandidateImport candidates;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aNulInALabelersTextIsRefusedOnTheApiAndThePagesAndNothingIsStored() throws Exception {
        String labeler = "nul-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(labeler, labeler, PASSWORD, Set.of(Role.LABELER), null);
        long prompt = prompt("Say hi in German. " + UUID.randomUUID());
        // Leased directly: what is refused here comes before any queue logic, and other tests' prompts fill the queue.
        long lease = count("""
                INSERT INTO task_assignment (task_kind, prompt_id, labeler_id, lease_expires_at)
                SELECT 'DEMONSTRATION', %d, id, now() + interval '30 minutes' FROM app_user WHERE username = '%s'
                RETURNING id""".formatted(prompt, labeler));

        mvc.perform(post("/api/labeler/demonstrations/" + lease)
                        .with(httpBasic(labeler, PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"text\": \"Hallo\\u0000!\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", Matchers.containsString("NUL character")));
        mvc.perform(post("/api/labeler/tasks/" + lease + "/skip")
                        .with(httpBasic(labeler, PASSWORD))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"reason\": \"unclear\\u0000\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", Matchers.containsString("NUL character")));
        mvc.perform(post("/labeler/demonstrations/" + lease + "/draft")
                        .with(user(labeler).roles("LABELER"))
                        .with(csrf())
                        .param("text", "Hal" + NUL + "lo"))
                .andExpect(status().isBadRequest());
        mvc.perform(post("/labeler/tasks/" + lease + "/skip")
                        .with(user(labeler).roles("LABELER"))
                        .with(csrf())
                        .param("reason", "unclear" + NUL))
                .andExpect(status().isBadRequest());

        assertThat(count("SELECT count(*) FROM demonstration WHERE prompt_id = " + prompt))
                .isZero();
        assertThat(count("SELECT count(*) FROM task_assignment WHERE status = 'LEASED' AND id = " + lease))
                .isEqualTo(1);
    }

    @Test
    void aNulInACandidateTextOrModelLabelIsReportedForItsLineAndNoTaskIsCreated() throws Exception {
        long prompt = prompt("Name a planet. " + UUID.randomUUID());
        long dataset = datasetOf(prompt);
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line("Name a star.", "u2")));
        long other = count("SELECT max(id) FROM prompt WHERE dataset_id = " + dataset);
        String good = "{\"text\": \"Mars\"}, {\"text\": \"Venus\"}, {\"text\": \"Earth\"}";
        String file = "{\"prompt_id\": " + prompt + ", \"outputs\": [" + good + ", {\"text\": \"Io\\u0000\"}]}\n"
                + "{\"prompt_id\": " + other + ", \"outputs\": [" + good
                + ", {\"text\": \"Io\", \"model\": \"m\\u0000\"}]}\n";

        CandidateImport.Report report =
                candidates.importFile(dataset, new java.io.ByteArrayInputStream(file.getBytes()), "admin");

        assertThat(report.tasksCreated()).isZero();
        assertThat(report.errors())
                .extracting(e -> (String) e.get("reason"))
                .containsExactly(
                        "outputs[3].text contains a NUL character (U+0000), which cannot be stored",
                        "outputs[3].model contains a NUL character (U+0000), which cannot be stored");
        assertThat(count("SELECT count(*) FROM ranking_task WHERE prompt_id IN (" + prompt + ", " + other + ")"))
                .isZero();
    }

    @Test
    void aPostToAnUploadPageThatIsNotAFormUploadIsRefusedWith415() throws Exception {
        long dataset = datasetOf(prompt("Name a moon. " + UUID.randomUUID()));

        for (String upload : List.of("imports", "candidates")) {
            mvc.perform(post("/admin/datasets/" + dataset + "/" + upload)
                            .with(ADMIN)
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{}"))
                    .andExpect(status().isUnsupportedMediaType());
        }
        // A real form upload still reaches the page.
        mvc.perform(multipart("/admin/datasets/" + dataset + "/candidates")
                        .file(new MockMultipartFile("file", "c.jsonl", "application/x-ndjson", new byte[0]))
                        .with(ADMIN)
                        .with(csrf()))
                .andExpect(status().is3xxRedirection());
    }

    @Test
    void anEmptyImportFileIsRefusedOnTheApiAsOnThePage() throws Exception {
        long dataset = datasetOf(prompt("Name a comet. " + UUID.randomUUID()));
        long importsBefore = count("SELECT count(*) FROM prompt_import WHERE dataset_id = " + dataset);

        mvc.perform(post("/api/admin/datasets/" + dataset + "/imports?wait=true")
                        .with(ADMIN)
                        .contentType("application/x-ndjson")
                        .content(new byte[0]))
                .andExpect(status().isBadRequest())
                .andExpect(
                        result -> assertThat(result.getResolvedException()).hasMessageContaining("The file is empty"));
        mvc.perform(multipart("/admin/datasets/" + dataset + "/imports")
                        .file(new MockMultipartFile("file", "p.jsonl", "application/x-ndjson", new byte[0]))
                        .with(ADMIN)
                        .with(csrf()))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                        .attribute("importError", Matchers.containsString("The file is empty")));

        assertThat(count("SELECT count(*) FROM prompt_import WHERE dataset_id = " + dataset))
                .isEqualTo(importsBefore);
    }

    private long prompt(String text) throws Exception {
        long dataset = datasets.create(ImportFixtures.allTrain("bad input", 1, "0"), "tester");
        ImportFixtures.importLines(importer, dataset, false, List.of(ImportFixtures.line(text, "u1")));
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", dataset)
                .query(Long.class)
                .single();
    }

    private long datasetOf(long prompt) {
        return count("SELECT dataset_id FROM prompt WHERE id = " + prompt);
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
