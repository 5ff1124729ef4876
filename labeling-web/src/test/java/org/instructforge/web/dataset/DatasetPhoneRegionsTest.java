package org.instructforge.web.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.instructforge.web.dataset.importing.PromptImporter;
import org.instructforge.web.pii.PhoneRegions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * A dataset names the regions its prompts come from; every scan of its text (import, edit) reads national
 * phone numbers in those regions, and a list with an unknown code is refused with nothing stored.
 */
@SpringBootTest
@AutoConfigureMockMvc
class DatasetPhoneRegionsTest {

    private static final RequestPostProcessor ADMIN = user("admin").roles("ADMIN");
    private static final String GERMAN_MOBILE = "Meine Nummer ist 0151 23456789, schreib dem Vermieter";
    private static final String BRITISH_MOBILE = "text me on 07700 900123 after work";

    @Autowired
    MockMvc mvc;

    @Autowired
    Datasets datasets;

    @Autowired
    PromptImporter importer;

    @Autowired
    PromptEditing editing;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aNewDatasetCoversTheDefaultRegionsAndTheFormStoresAListInOneSpelling() throws Exception {
        long byDefault = datasets.create(ImportFixtures.settings("regions default", 200, 200, false), "tester");
        assertThat(datasets.phoneRegions(byDefault)).isEqualTo(PhoneRegions.DEFAULT);
        assertThat(PhoneRegions.DEFAULT.codes()).containsExactly("US", "GB", "DE", "FR", "IN", "BR", "JP");

        String name = "regions form " + UUID.randomUUID();
        postForm("/admin/datasets", name, " de, gb;DE ").andExpect(status().is3xxRedirection());
        long id = datasets.idOf(name).orElseThrow();
        assertThat(datasets.detail(id).settings().phoneRegions()).isEqualTo("DE,GB");
        assertThat(storedRegions(id)).isEqualTo("DE,GB");
        mvc.perform(get("/admin/datasets/" + id + "/edit").with(ADMIN))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("value=\"DE,GB\"")));
    }

    @Test
    void unknownRegionCodesAreRefusedOnTheFormAndTheApiAndNothingIsStored() throws Exception {
        String name = "regions bad " + UUID.randomUUID();
        postForm("/admin/datasets", name, "US, UK")
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("Not a region code: UK.")));
        assertThat(datasets.idOf(name)).isEmpty();

        mvc.perform(post("/api/admin/datasets")
                        .with(ADMIN)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(apiBody(name, "DE, XX, ${1+1}")))
                .andExpect(status().isBadRequest())
                .andExpect(
                        jsonPath("$.errors.phoneRegions", Matchers.containsString("Not a region code: XX, ${1+1}.")));
        assertThat(datasets.idOf(name)).isEmpty();

        long id = datasets.create(ImportFixtures.settings("regions kept", 200, 200, false), "tester");
        mvc.perform(put("/api/admin/datasets/" + id)
                        .with(ADMIN)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(apiBody("renamed " + UUID.randomUUID(), "ZZ")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors.phoneRegions", Matchers.containsString("ZZ")));
        assertThat(storedRegions(id)).isEqualTo(PhoneRegions.DEFAULT.toString());
        assertThat(datasets.detail(id).settings().name()).startsWith("regions kept");
    }

    @Test
    void theApiSetsRegionsAndAnswersThemInTheStoredSpelling() throws Exception {
        mvc.perform(post("/api/admin/datasets")
                        .with(ADMIN)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(apiBody("regions api " + UUID.randomUUID(), "jp in")))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.settings.phoneRegions").value("JP,IN"));
    }

    @Test
    void importsAndEditsReadNationalNumbersInTheRegionsOfTheirDataset() throws Exception {
        long americanOnly = datasetWithRegions("US");
        long german = datasetWithRegions("US,DE");
        for (long id : List.of(americanOnly, german)) {
            ImportFixtures.importLines(importer, id, false, List.of(ImportFixtures.line(GERMAN_MOBILE, "u1")));
        }
        assertThat(piiStatuses(americanOnly)).containsExactly("CLEAN");
        assertThat(piiStatuses(german)).containsExactly("PENDING_REVIEW");

        // An edit is scanned with the dataset's regions as they are now.
        long prompt = promptOf(americanOnly);
        editing.edit(
                prompt, new PromptEdit(BRITISH_MOBILE, editing.current(prompt).category()), "tester");
        assertThat(piiStatuses(americanOnly)).containsExactly("CLEAN");

        DatasetSettings settings = datasets.detail(americanOnly).settings();
        datasets.update(americanOnly, withRegions(settings, "US, GB"), "tester");
        editing.edit(
                prompt,
                new PromptEdit(BRITISH_MOBILE + ".", editing.current(prompt).category()),
                "tester");
        assertThat(piiStatuses(americanOnly)).containsExactly("PENDING_REVIEW");
        assertThat(jdbc.sql("SELECT detected_text FROM pii_detection WHERE prompt_id = :p")
                        .param("p", prompt)
                        .query(String.class)
                        .list())
                .containsExactly("07700 900123");
    }

    private long datasetWithRegions(String regions) {
        DatasetSettings settings = ImportFixtures.settings("regions " + regions, 200, 200, false);
        return datasets.create(withRegions(settings, regions), "tester");
    }

    private static DatasetSettings withRegions(DatasetSettings s, String regions) {
        return new DatasetSettings(
                s.name(),
                s.description(),
                s.guidelines(),
                s.keepPiiOriginals(),
                s.maxPromptsPerUser(),
                s.dedupPrefixChars(),
                s.labelsPerItem(),
                s.overlapShare(),
                s.trainRatio(),
                s.validRatio(),
                s.testRatio(),
                s.reviewPercent(),
                regions);
    }

    private ResultActions postForm(String path, String name, String regions) throws Exception {
        return mvc.perform(post(path)
                .with(ADMIN)
                .with(csrf())
                .param("name", name)
                .param("maxPromptsPerUser", "200")
                .param("dedupPrefixChars", "200")
                .param("labelsPerItem", "1")
                .param("overlapShare", "0")
                .param("trainRatio", "0.8")
                .param("validRatio", "0.1")
                .param("testRatio", "0.1")
                .param("phoneRegions", regions));
    }

    private static String apiBody(String name, String regions) {
        return "{\"name\": \"" + name + "\", \"maxPromptsPerUser\": 200, \"dedupPrefixChars\": 200,"
                + " \"labelsPerItem\": 1, \"overlapShare\": 0, \"trainRatio\": 0.8, \"validRatio\": 0.1,"
                + " \"testRatio\": 0.1, \"phoneRegions\": \"" + regions + "\"}";
    }

    private String storedRegions(long id) {
        return jdbc.sql("SELECT phone_regions FROM prompt_dataset WHERE id = :d")
                .param("d", id)
                .query(String.class)
                .single();
    }

    private List<String> piiStatuses(long datasetId) {
        return jdbc.sql("SELECT pii_status FROM prompt WHERE dataset_id = :d ORDER BY id")
                .param("d", datasetId)
                .query(String.class)
                .list();
    }

    private long promptOf(long datasetId) {
        return jdbc.sql("SELECT id FROM prompt WHERE dataset_id = :d")
                .param("d", datasetId)
                .query(Long.class)
                .single();
    }
}
