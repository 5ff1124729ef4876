package org.instructforge.web.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.instructforge.web.dataset.importing.ImportStatus;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** The admin's dataset pages and API, through the real security, controllers and templates. */
@SpringBootTest
@AutoConfigureMockMvc
class DatasetPagesTest {

    private static final RequestPostProcessor ADMIN = user("admin").roles("ADMIN");

    @Autowired
    MockMvc mvc;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void anAdminCreatesADatasetFromTheForm() throws Exception {
        String name = "Form dataset " + UUID.randomUUID();
        mvc.perform(post("/admin/datasets")
                        .with(ADMIN)
                        .with(csrf())
                        .param("name", name)
                        .param("description", "made in a test")
                        .param("guidelines", "Be precise.")
                        .param("maxPromptsPerUser", "50")
                        .param("dedupPrefixChars", "100")
                        .param("labelsPerItem", "3")
                        .param("overlapShare", "0.2")
                        .param("trainRatio", "0.7")
                        .param("validRatio", "0.15")
                        .param("testRatio", "0.15"))
                .andExpect(status().is3xxRedirection());

        long id = datasets.idOf(name).orElseThrow();
        DatasetSettings saved = datasets.detail(id).settings();
        assertThat(saved.maxPromptsPerUser()).isEqualTo(50);
        assertThat(saved.guidelines()).isEqualTo("Be precise.");
        mvc.perform(get("/admin/datasets/" + id).with(ADMIN))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("Be precise.")));
    }

    @Test
    void badSettingsComeBackWithClearMessages() throws Exception {
        mvc.perform(post("/admin/datasets")
                        .with(ADMIN)
                        .with(csrf())
                        .param("name", " ")
                        .param("maxPromptsPerUser", "200")
                        .param("dedupPrefixChars", "200")
                        .param("labelsPerItem", "1")
                        .param("overlapShare", "0")
                        .param("trainRatio", "0.8")
                        .param("validRatio", "0.3")
                        .param("testRatio", "0.1"))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("Give the dataset a name.")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("must add up to exactly 1")));
    }

    @Test
    void aTakenNameIsRefusedOnTheForm() throws Exception {
        DatasetSettings settings = ImportFixtures.settings("taken", 200, 200, false);
        datasets.create(settings, "tester");
        postNewDataset(settings.name())
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("exists already")));
    }

    /** A NUL character (StorableText) would fail the insert with a 500; it is a message beside the field. */
    @Test
    void aNulInADatasetNameIsShownBesideTheFieldOnThePageAndRefusedOnTheApi() throws Exception {
        String name = "nul dataset " + UUID.randomUUID();

        postNewDataset(name + "\u0000")
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("NUL character (U+0000)")));
        mvc.perform(post("/api/admin/datasets")
                        .with(ADMIN)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": \"" + name + "\\u0000\", \"maxPromptsPerUser\": 200,"
                                + " \"dedupPrefixChars\": 200, \"labelsPerItem\": 1, \"overlapShare\": 0,"
                                + " \"trainRatio\": 0.8, \"validRatio\": 0.1, \"testRatio\": 0.1}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", org.hamcrest.Matchers.containsString("\"name\" contains a NUL")));

        assertThat(jdbc.sql("SELECT count(*) FROM prompt_dataset WHERE name LIKE :n")
                        .param("n", name + "%")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /** The new-dataset form with its defaults and this name. */
    private org.springframework.test.web.servlet.ResultActions postNewDataset(String name) throws Exception {
        return mvc.perform(post("/admin/datasets")
                .with(ADMIN)
                .with(csrf())
                .param("name", name)
                .param("maxPromptsPerUser", "200")
                .param("dedupPrefixChars", "200")
                .param("labelsPerItem", "1")
                .param("overlapShare", "0")
                .param("trainRatio", "0.8")
                .param("validRatio", "0.1")
                .param("testRatio", "0.1"));
    }

    @Test
    void anUploadStartsAnImportWhosePageShowsItsOutcome() throws Exception {
        long id = datasets.create(ImportFixtures.settings("upload", 200, 200, false), "tester");
        var file = new MockMultipartFile(
                "file",
                "prompts.jsonl",
                "application/octet-stream",
                (ImportFixtures.line("Uploaded prompt one", "u1") + "\n" + ImportFixtures.line("Uploaded two", "u2"))
                        .getBytes(StandardCharsets.UTF_8));

        String location = mvc.perform(multipart("/admin/datasets/" + id + "/imports")
                        .file(file)
                        .with(ADMIN)
                        .with(csrf()))
                .andExpect(status().is3xxRedirection())
                .andReturn()
                .getResponse()
                .getRedirectedUrl();

        long importId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        ImportStatus finished = awaitEnd(importId);
        assertThat(finished.status()).isEqualTo("SUCCEEDED");
        assertThat(finished.promptsAdded()).isEqualTo(2);
        mvc.perform(get(location).with(ADMIN))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("SUCCEEDED")));
    }

    @Test
    void anUploadOfUnknownFormatIsRefusedWithAReason() throws Exception {
        long id = datasets.create(ImportFixtures.settings("unknown format", 200, 200, false), "tester");
        var file = new MockMultipartFile("file", "prompts.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));

        mvc.perform(multipart("/admin/datasets/" + id + "/imports")
                        .file(file)
                        .with(ADMIN)
                        .with(csrf()))
                .andExpect(status().is3xxRedirection())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash()
                        .attribute("importError", org.hamcrest.Matchers.containsString(".jsonl or .csv")));
    }

    @Test
    void theApiImportsARequestBodyAndReportsBadLines() throws Exception {
        long id = datasets.create(ImportFixtures.settings("api import", 200, 200, false), "tester");
        String body = ImportFixtures.line("Api prompt", "u1") + "\n{\"prompt\": 42, \"user_id\": \"u2\"}\n";

        mvc.perform(post("/api/admin/datasets/" + id + "/imports")
                        .param("fileName", "api.jsonl")
                        .param("wait", "true")
                        .with(ADMIN)
                        .contentType("application/x-ndjson")
                        .content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("REJECTED"))
                .andExpect(jsonPath("$.errors[0].line").value(2));

        // Without wait=true the API answers at once: 202 with the import's status to poll.
        mvc.perform(post("/api/admin/datasets/" + id + "/imports").with(ADMIN).content(body))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.id").isNumber());
    }

    @Test
    void theApiSaysWhyWhenItCannotTellTheFormat() throws Exception {
        long id = datasets.create(ImportFixtures.settings("api format", 200, 200, false), "tester");
        mvc.perform(post("/api/admin/datasets/" + id + "/imports")
                        .param("fileName", "data.bin")
                        .with(ADMIN)
                        .contentType("application/octet-stream")
                        .content("x"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void promptsAreFoundByWordsAndFilters() throws Exception {
        long id = datasets.create(ImportFixtures.settings("search", 200, 200, false), "tester");
        ImportFixtures.importLines(
                importer,
                id,
                false,
                java.util.List.of(
                        ImportFixtures.line("Tell me about volcanoes in Iceland", "u1"),
                        ImportFixtures.line("Tell me about rivers in France", "u2")));

        mvc.perform(get("/admin/datasets/" + id + "/prompts")
                        .param("q", "volcanoes")
                        .with(ADMIN))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("volcanoes in Iceland")))
                .andExpect(content()
                        .string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("rivers in France"))));
        mvc.perform(get("/admin/datasets/" + id + "/prompts")
                        .param("user", "u2")
                        .with(ADMIN))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("rivers in France")));
    }

    @Test
    void theExportIsJsonlWithSplits() throws Exception {
        long id = datasets.create(ImportFixtures.settings("export page", 200, 200, false), "tester");
        ImportFixtures.importLines(
                importer, id, false, java.util.List.of(ImportFixtures.line("Exported prompt", "u1")));

        var started = mvc.perform(get("/admin/datasets/" + id + "/export.jsonl").with(ADMIN))
                .andExpect(status().isOk())
                .andReturn();
        // The export streams from a cursor on another thread: dispatch the asynchronous result.
        String body = mvc.perform(
                        org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(started))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("application/x-ndjson"))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(body.lines()).singleElement().satisfies(line -> {
            assertThat(line).contains("\"prompt\":\"Exported prompt\"").contains("\"split\":");
        });
    }

    @Test
    void anEditedPromptIsScannedForPiiAgain() throws Exception {
        long id = datasets.create(ImportFixtures.settings("edit", 200, 200, false), "tester");
        ImportFixtures.importLines(importer, id, false, java.util.List.of(ImportFixtures.line("Clean prompt", "u1")));
        long promptId = jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", id)
                .query(Long.class)
                .single();

        mvc.perform(post("/admin/prompts/" + promptId)
                        .with(ADMIN)
                        .with(csrf())
                        .param("text", "Clean prompt, reply to bob.smith@example.com")
                        .param("category", "REWRITE"))
                .andExpect(status().is3xxRedirection());

        assertThat(jdbc.sql("SELECT pii_status || '/' || category FROM prompt WHERE id = :p")
                        .param("p", promptId)
                        .query(String.class)
                        .single())
                .isEqualTo("PENDING_REVIEW/REWRITE");
        mvc.perform(post("/admin/prompts/" + promptId)
                        .with(ADMIN)
                        .with(csrf())
                        .param("text", "")
                        .param("category", "OTHER"))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("A prompt needs text.")));
    }

    @Test
    void labelersCannotImport() throws Exception {
        long id = datasets.create(ImportFixtures.settings("forbidden", 200, 200, false), "tester");
        mvc.perform(post("/api/admin/datasets/" + id + "/imports")
                        .with(user("l").roles("LABELER"))
                        .content("x"))
                .andExpect(status().isForbidden());
    }

    private ImportStatus awaitEnd(long importId) {
        return await("import " + importId + " ends")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> importer.status(importId), status -> !status.running());
    }
}
