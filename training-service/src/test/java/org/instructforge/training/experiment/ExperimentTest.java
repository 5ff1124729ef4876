package org.instructforge.training.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.instructforge.training.BaseModel;
import org.instructforge.training.toolbox.SettingsOverrides;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code forge experiment --quick} as CI runs it: the whole loop on the shipped base model with simulated labelers,
 * a few minutes on two cores. PPO must beat SFT as the paper measures it: on held-out prompts, one sample of each
 * judged blind by a simulated labeler who labelled nothing in training (not by the reward model's own scores, which
 * PPO optimises and which rose in earlier runs where PPO got worse), and by the same judge without noise; and it
 * must have removed the slips the demonstrators taught SFT (filler, hallucinations). Everything is seeded, so the
 * figures are the same on every run on one machine. At this size (240 comparisons) the win rate's 95 % interval is
 * about +-6 points; the full run's targets are checked on the documented run, not here.
 */
class ExperimentTest {

    @TempDir
    Path out;

    @SuppressWarnings("unchecked")
    private static Map<String, Double> behaviour(Experiment.Summary summary, String policy) {
        return ((Map<String, Map<String, Double>>) summary.details().get("behaviour")).get(policy);
    }

    @Test
    void quickExperimentShowsPpoBeatingSftAndWritesItsReport() throws IOException {
        Experiment.Summary summary;
        try (NDManager manager = NDManager.newBaseManager()) {
            summary = new Experiment(ExperimentSettings.quick(), new PrintStream(PrintStream.nullOutputStream()))
                    .run(BaseModel.dir(), out, manager);
        }
        // PPO beats SFT by the held-out judge on held-out prompts (not by the reward model's own scores, which PPO
        // optimises and which rose in runs where PPO got worse)
        assertThat(summary.winRate()).isGreaterThan(0.5);
        assertThat(summary.noiselessWinRate()).isGreaterThan(0.5);
        Map<String, Double> sft = behaviour(summary, "sft");
        Map<String, Double> ppo = behaviour(summary, "ppo");
        assertThat(ppo.get("padded_answers")).isLessThan(sft.get("padded_answers") / 2);
        assertThat(ppo.get("hallucination_on_unanswerable")).isLessThan(sft.get("hallucination_on_unanswerable") / 2);
        assertThat(ppo.get("harmful_compliance")).isLessThanOrEqualTo(0.1);
        assertThat(summary.labelerAgreement()).isCloseTo(0.73, within(0.03));
        assertThat(summary.rewardValidationAccuracy()).isGreaterThan(0.5);
        assertThat(summary.meanKl()).isBetween(0.0, 10.0);
        assertThat(summary.ppoDistinctShare()).isGreaterThan(0.5);

        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(out.resolve("summary.json").toFile());
        assertThat(json.path("win_rate_ppo_vs_sft").asDouble()).isEqualTo(summary.winRate());
        assertThat(json.path("held_out_comparisons").asInt()).isEqualTo(summary.comparisons());
        // the per-family table splits the same comparisons: every family of the evaluation set, none twice
        JsonNode byFamily = json.path("comparisons").path("ppo_vs_sft").path("by_family");
        assertThat(byFamily.propertyNames())
                .containsAll(summary.ppoVsSft().byFamily().keySet());
        int split = 0;
        for (JsonNode family : byFamily) {
            split += family.path("comparisons").asInt();
        }
        assertThat(split).isEqualTo(summary.comparisons());
        // DPO trained on the same rankings and was compared with both
        assertThat(json.path("comparisons").path("dpo_vs_sft").path("win_rate").asDouble())
                .isBetween(0.0, 1.0);
        assertThat(json.path("comparisons")
                        .path("ppo_vs_dpo")
                        .path("comparisons")
                        .asInt())
                .isEqualTo(summary.comparisons());
        assertThat(json.path("behaviour")
                        .path("dpo")
                        .path("hallucination_on_unanswerable")
                        .isNumber())
                .isTrue();
        // the ideal answers are this world's ceiling: by the noiseless judge they beat SFT at least where PPO does
        JsonNode ideal = json.path("comparisons").path("ideal_vs_sft");
        assertThat(ideal.path("win_rate_noiseless_judge").asDouble())
                .isGreaterThanOrEqualTo(summary.noiselessWinRate())
                .isGreaterThan(0.5);
        assertThat(json.path("targets_met").size()).isEqualTo(9);
        String report = Files.readString(out.resolve("report.md"));
        for (String chart : new String[] {
            "sft-loss",
            "reward-validation_accuracy",
            "ppo-reward_mean",
            "ppo-kl",
            "ppo-entropy",
            "ppo-clip_fraction",
            "ppo-value_loss",
            "ppo-approx_kl",
            "ppo-response_length",
            "dpo-loss",
            "dpo-reward_margin"
        }) {
            Path png = out.resolve("charts/" + chart + ".png");
            assertThat(ImageIO.read(png.toFile())).as(chart).isNotNull();
            assertThat(report).contains("charts/" + chart + ".png");
        }
    }

    /**
     * A second labeling round (tiny sizes: this checks the wiring, not a gain): round 1 is the one-round run seed for
     * seed, round 2 ranks new prompts' samples of round 1's PPO policy beside SFT's, and the reward model and PPO are
     * trained again, round 1's kept apart under their round's name.
     */
    @Test
    void aSecondLabelingRoundRanksTheFirstPposAnswersAndTrainsAgain() throws IOException {
        ExperimentSettings tiny = SettingsOverrides.apply(
                ExperimentSettings.quick(),
                Map.of(
                        "sftPrompts", "16",
                        "rankingPrompts", "16",
                        "ppoPrompts", "16",
                        "evaluationPrompts", "16",
                        "dpoRankings", "0"));
        tiny = tiny.withPpo(SettingsOverrides.apply(tiny.ppo(), Map.of("iterations", "1", "rolloutBatch", "16")));
        Path oneRound = out.resolve("one");
        Path twoRounds = out.resolve("two");
        Experiment.Summary summary;
        try (NDManager manager = NDManager.newBaseManager()) {
            PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
            new Experiment(tiny, quiet).run(BaseModel.dir(), oneRound, manager);
            summary = new Experiment(SettingsOverrides.apply(tiny, Map.of("labelingRounds", "2")), quiet)
                    .run(BaseModel.dir(), twoRounds, manager);
        }
        JsonMapper json = JsonMapper.builder().build();
        Experiment.RankingSamples first =
                json.readValue(twoRounds.resolve("ranking-samples.json").toFile(), Experiment.RankingSamples.class);
        assertThat(first)
                .isEqualTo(json.readValue(
                        oneRound.resolve("ranking-samples.json").toFile(), Experiment.RankingSamples.class));
        Experiment.RankingSamples second = json.readValue(
                twoRounds.resolve("ranking-samples-round-2.json").toFile(), Experiment.RankingSamples.class);
        // 16 new prompts with K = 4..9 answers each, flattened
        assertThat(second.prompts()).hasSizeBetween(16 * 4, 16 * 9).isNotEqualTo(first.prompts());
        assertThat(second.answers()).hasSameSizeAs(second.prompts());
        for (String stage : List.of("reward-round-1", "ppo-round-1", "reward", "ppo")) {
            assertThat(twoRounds.resolve(stage)).as(stage).isDirectory();
        }
        assertThat(json.readTree(twoRounds.resolve("summary.json").toFile())
                        .path("prompts")
                        .path("ranking")
                        .asInt())
                .isEqualTo(32);
        assertThat(summary.comparisons()).isEqualTo(16);
    }
}
