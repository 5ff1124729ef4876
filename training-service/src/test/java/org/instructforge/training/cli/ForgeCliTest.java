package org.instructforge.training.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.instructforge.training.BaseModel;
import org.instructforge.training.rlhf.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ForgeCliTest extends CliTestSupport {

    @TempDir
    Path tmp;

    private int forge(String... args) {
        return forgeWith(System::getenv, args);
    }

    @Test
    void helpPrintsUsageAndNoArgumentsIsAnError() {
        assertThat(forge("--help")).isZero();
        assertThat(stdout()).contains("generate", "logits", "pretrain", "experiment", "world", "crowd", "run");
        out.reset();
        assertThat(forge("generate", "--help")).isZero();
        assertThat(stdout()).contains("--model=DIR", "--prompt=TEXT", "--max-new-tokens=N");
        out.reset();
        assertThat(forge("help", "logits")).isZero();
        assertThat(stdout()).contains("--text=TEXT");
        assertThat(forge()).isEqualTo(2);
        assertThat(stderr()).contains("forge: which command?");
    }

    @Test
    void worldPromptsWritesDistinctImportLinesOfEveryFamilyReproducibly() throws Exception {
        Path file = tmp.resolve("world/prompts.jsonl");
        assertThat(forge("world", "prompts", "--count", "300", "--seed", "5", "--out", file.toString()))
                .isZero();
        assertThat(stdout()).contains("wrote 300 prompts (seed 5)");
        var lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines).hasSize(300);
        JsonMapper json = JsonMapper.builder().build();
        java.util.Set<String> prompts = new java.util.HashSet<>();
        java.util.Set<String> families = new java.util.HashSet<>();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            prompts.add(node.path("prompt").asString());
            families.add(node.path("metadata").path("family").asString());
            assertThat(node.path("user_id").asString()).startsWith("world-user-");
            assertThat(node.path("source").asString()).isEqualTo("customer");
        }
        assertThat(prompts).hasSize(300);
        assertThat(families)
                .hasSize(org.instructforge.training.corpus.TaskFamily.defaults().size());
        // Same count and seed, same world: forge crowd relies on it to find each prompt's task.
        assertThat(org.instructforge.training.experiment.World.tasks(300, 5).stream()
                        .map(org.instructforge.training.corpus.Task::prompt)
                        .toList())
                .containsExactlyElementsOf(lines.stream()
                        .map(l -> json.readTree(l).path("prompt").asString())
                        .toList());
    }

    @Test
    void worldPromptsRefusesBadCountsAndUnknownSubcommands() {
        assertThat(forge("world", "prompts", "--count", "0")).isEqualTo(2);
        assertThat(stderr()).contains("at least one prompt and at most 100000, not 0");
        assertThat(forge("world", "crowd")).isEqualTo(2);
        assertThat(stderr()).contains("'crowd'");
        assertThat(forge("world")).isEqualTo(2);
        assertThat(stderr()).contains("world takes one command: prompts");
        assertThat(forge("world", "prompts", "--count", "many")).isEqualTo(2);
        assertThat(stderr()).contains("Invalid value for option '--count': 'many' is not an int");
    }

    @Test
    void rejectsAnUnknownCommand() {
        assertThat(forge("train")).isEqualTo(2);
        assertThat(stderr()).contains("forge: unknown command 'train'");
    }

    @Test
    void generateRequiresAModelAndAPrompt() {
        assertThat(forge("generate", "--prompt", "hi")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--model=DIR'");
        assertThat(forge("generate", "--model", BaseModel.dir().toString())).isEqualTo(2);
        assertThat(stderr()).contains("Missing required option: '--prompt=TEXT'");
    }

    @Test
    void reportsAMissingModelDirectoryClearly() {
        assertThat(forge("logits", "--model", tmp.resolve("nowhere").toString(), "--text", "hi"))
                .isEqualTo(2);
        assertThat(stderr()).contains("no model at").contains("nowhere");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void rejectsConflictingUnknownAndMalformedOptions() {
        String model = BaseModel.dir().toString();
        assertThat(forge("generate", "--model", model, "--prompt", "hi", "--greedy", "--temperature", "0.5"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--greedy cannot be combined");
        assertThat(forge("generate", "--model", model, "--prompt", "hi", "--colour", "red"))
                .isEqualTo(2);
        assertThat(stderr()).contains("Unknown options: '--colour', 'red'");
        assertThat(forge("generate", "--model", model, "--prompt", "hi", "--max-new-tokens", "ten"))
                .isEqualTo(2);
        assertThat(stderr()).contains("Invalid value for option '--max-new-tokens': 'ten' is not an int");
        assertThat(forge("generate", "--model", model, "--prompt")).isEqualTo(2);
        assertThat(stderr()).contains("Missing required parameter for option '--prompt'");
        assertThat(forge("pretrain", "--layers", "2")).isEqualTo(2);
        assertThat(stderr()).contains("Unknown setting(s): layers");
    }

    @Test
    void experimentSizesAreCheckedBeforeAnythingRuns() {
        String out = tmp.resolve("experiment").toString();
        assertThat(forge("experiment", "--out", out, "--set", "rankingPromptz=100"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--set:").contains("rankingPromptz");
        assertThat(forge("experiment", "--out", out, "--set", "rankingPrompts=many"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--set:").contains("rankingPrompts");
        assertThat(forge("experiment", "--out", out, "--ppo-prompts", "-5x")).isEqualTo(2);
        assertThat(stderr()).contains("Invalid value for option '--ppo-prompts'");
        assertThat(forge("experiment", "--out", out, "--ppo", "targetKl")).isEqualTo(2);
        assertThat(stderr()).contains("KEY=VALUE");
        assertThat(forge("experiment", "--out", out, "--resume", "--fresh")).isEqualTo(2);
        assertThat(stderr()).contains("mutually exclusive");
        assertThat(tmp.resolve("experiment")).doesNotExist();
    }

    @Test
    void anEvaluationSetLargerThanAFamilysPromptsIsAClearError() {
        String out = tmp.resolve("too-many").toString();
        assertThat(forge("experiment", "--quick", "--out", out, "--set", "evaluationPrompts=5000"))
                .isEqualTo(2);
        assertThat(stderr()).contains("forge: The ").contains("family has no unused prompt left");
        assertThat(stdout()).doesNotContain("sft step");
    }

    @Test
    void logitsPrintsTokenIdsAndTheTopTenAsJson() {
        assertThat(forge("logits", "--model", BaseModel.dir().toString(), "--text", "User: What is 2 + 2?"))
                .as(stderr())
                .isZero();
        JsonNode json = JsonMapper.builder().build().readTree(stdout());
        assertThat(json.get("token_ids").isArray()).isTrue();
        assertThat(json.get("token_ids").size()).isGreaterThan(5);
        JsonNode top = json.get("top10");
        assertThat(top.size()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            assertThat(top.get(i).has("id")).isTrue();
            assertThat(top.get(i).has("token")).isTrue();
            if (i > 0) {
                assertThat(top.get(i).get("logit").asDouble())
                        .isLessThanOrEqualTo(top.get(i - 1).get("logit").asDouble());
            }
        }
    }

    @Test
    void logitsAndGenerateTakeALlamaFamilyCheckpointAndRefuseAnUnsupportedOne() throws Exception {
        String llama = TinyModels.randomLlama(tmp.resolve("llama"), 1, false).toString();
        assertThat(forge("logits", "--model", llama, "--text", "User: What is 2 + 2?"))
                .as(stderr())
                .isZero();
        assertThat(JsonMapper.builder().build().readTree(stdout()).get("top10").size())
                .isEqualTo(10);
        out.reset();
        assertThat(forge("generate", "--model", llama, "--prompt", "hi", "--greedy", "--max-new-tokens", "4"))
                .as(stderr())
                .isZero();
        assertThat(stdout().strip()).isNotEmpty();
        Path falcon = tmp.resolve("falcon");
        Files.createDirectories(falcon);
        for (String file : List.of("model.safetensors", "tokenizer.json")) {
            Files.copy(Path.of(llama).resolve(file), falcon.resolve(file));
        }
        Files.writeString(falcon.resolve("config.json"), "{\"model_type\": \"falcon\"}");
        assertThat(forge("logits", "--model", falcon.toString(), "--text", "hi"))
                .isEqualTo(2);
        assertThat(stderr()).contains("falcon").contains("gpt2, llama, qwen2, mistral");
    }

    @Test
    void greedyGenerationIsRepeatableAndSamplingFollowsTheSeed() {
        String model = BaseModel.dir().toString();
        assertThat(forge("generate", "--model", model, "--prompt", "What is the capital of France?", "--greedy"))
                .as(stderr())
                .isZero();
        String first = stdout();
        assertThat(first.strip()).isNotEmpty();
        out.reset();
        forge("generate", "--model", model, "--prompt", "What is the capital of France?", "--greedy");
        assertThat(stdout()).isEqualTo(first);
        out.reset();
        assertThat(forge(
                        "generate",
                        "--model",
                        model,
                        "--prompt",
                        "Reverse the word \"apple\".",
                        "--seed",
                        "3",
                        "--temperature",
                        "1.0",
                        "--top-p",
                        "0.9",
                        "--top-k",
                        "20",
                        "--max-new-tokens",
                        "8"))
                .isZero();
        String sampled = stdout();
        out.reset();
        forge(
                "generate",
                "--model",
                model,
                "--prompt",
                "Reverse the word \"apple\".",
                "--seed",
                "3",
                "--temperature",
                "1.0",
                "--top-p",
                "0.9",
                "--top-k",
                "20",
                "--max-new-tokens",
                "8");
        assertThat(stdout()).isEqualTo(sampled);
    }
}
