package org.instructforge.training.ray;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameter;
import org.instructforge.shared.run.Hyperparameters;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class OpenRlhfFlagsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyHyperparameterIsEitherMappedOrListedWithAReasonNeverBoth() {
        for (RunType type : List.of(RunType.SFT, RunType.REWARD, RunType.DPO, RunType.PPO)) {
            Set<String> mapped = new HashSet<>();
            for (OpenRlhfFlags row : OpenRlhfFlags.values()) {
                if (row.appliesTo(type)) {
                    mapped.addAll(row.parameters());
                }
            }
            Set<String> notMapped = OpenRlhfFlags.notMapped(type).keySet();
            Set<String> all = new HashSet<>();
            Hyperparameters.of(type).stream().map(Hyperparameter::name).forEach(all::add);

            assertThat(mapped).as(type + ": mapped and not mapped").doesNotContainAnyElementsOf(notMapped);
            Set<String> covered = new HashSet<>(mapped);
            covered.addAll(notMapped);
            assertThat(covered)
                    .as(type + ": every hyperparameter, and no unknown name")
                    .isEqualTo(all);
        }
    }

    @Test
    void dpoDefaultsBecomeOpenRlhfFlagsAndIpoIsASwitch() {
        ObjectNode values = defaults(RunType.DPO);

        assertThat(String.join(" ", OpenRlhfFlags.arguments(RunType.DPO, values)))
                .isEqualTo("--seed 1 --l2 0 --max_norm 1 --save_steps 20 --max_epochs 1 --train_batch_size 16"
                        + " --learning_rate 1.0E-4 --max_len 224 --eval_steps 20 --beta 0.1 --nll_loss_coef 1");

        values.put("loss", "ipo");
        assertThat(OpenRlhfFlags.arguments(RunType.DPO, values)).containsSequence("--beta", "0.1", "--ipo");
    }

    @Test
    void ppoCountsIterationsAsSamplesAndWarmUpAsAShareAndTurnsOnEmaOnlyWhenAsked() {
        ObjectNode values = defaults(RunType.PPO);
        values.put("iterations", 40)
                .put("rolloutBatch", 32)
                .put("warmupIterations", 10)
                .put("emaDecay", 0.992);

        List<String> args = OpenRlhfFlags.arguments(RunType.PPO, values);

        assertThat(args).containsSequence("--max_samples", "1280", "--rollout_batch_size", "32");
        assertThat(args).containsSequence("--lr_warmup_ratio", "0.25");
        assertThat(args).containsSequence("--enable_ema", "--ema_beta", "0.992");
        assertThat(args).doesNotContain("--kl_target"); // targetKl 0: a fixed beta, OpenRLHF's default
        assertThat(OpenRlhfFlags.arguments(RunType.PPO, defaults(RunType.PPO))).doesNotContain("--enable_ema");
    }

    @Test
    void theEntrypointQuotesWhatTheShellWouldSplit() {
        String command = OpenRlhfCommand.entrypoint(
                RunType.SFT,
                defaults(RunType.SFT),
                new OpenRlhfCommand.Paths(
                        "/ckpt/models/my model", null, "/ckpt/in/train.jsonl", "/ckpt/in/val.jsonl", "/o", "/c"),
                "deepspeed --module",
                "--zero_stage 3 --bf16");

        assertThat(command)
                .startsWith("deepspeed --module openrlhf.cli.train_sft --pretrain '/ckpt/models/my model' --dataset ")
                .endsWith(" --zero_stage 3 --bf16");
        assertThat(OpenRlhfCommand.quote("it's")).isEqualTo("'it'\\''s'");
    }

    private static ObjectNode defaults(RunType type) {
        Map<String, Object> values = Hyperparameters.defaults(type);
        JsonNode tree = JSON.valueToTree(values);
        return (ObjectNode) tree;
    }
}
