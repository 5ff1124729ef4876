package org.instructforge.training.ray;

import static org.instructforge.shared.RunType.DPO;
import static org.instructforge.shared.RunType.PPO;
import static org.instructforge.shared.RunType.REWARD;
import static org.instructforge.shared.RunType.SFT;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.instructforge.shared.RunType;
import tools.jackson.databind.JsonNode;

/**
 * The one table from a run's hyperparameters (shared-model's {@code Hyperparameters}, by name) to the command-line
 * flags of OpenRLHF's trainers ({@code openrlhf.cli.train_sft}, {@code train_rm}, {@code train_dpo},
 * {@code train_ppo_ray}). Each row: the run types it applies to, the flag, and how its value is computed. What has
 * no row is listed in {@link #NOT_MAPPED} with the reason; a test checks that every hyperparameter is in one of the
 * two, so a new hyperparameter cannot be dropped silently. The README shows the same table.
 */
public enum OpenRlhfFlags {
    /** Same meaning: the seed of data order and sampling. */
    SEED(all(), "--seed", "seed"),
    /** AdamW's decoupled weight decay; OpenRLHF calls it l2. */
    WEIGHT_DECAY(all(), "--l2", "weightDecay"),
    /** Global gradient-norm clip. */
    GRAD_CLIP(all(), "--max_norm", "gradClip"),
    /** Steps between resumable checkpoints (OpenRLHF writes them under --ckpt_path). */
    CHECKPOINT_EVERY(all(), "--save_steps", "checkpointEvery"),
    /** Passes over the data. */
    EPOCHS(supervised(), "--max_epochs", "epochs"),
    /**
     * Examples per optimizer step. OpenRLHF counts demonstrations (SFT) or preference pairs (reward model, DPO),
     * InstructForge counts prompts with all their pairs: a REWARD/DPO step on Ray sees fewer prompts.
     */
    BATCH_SIZE(supervised(), "--train_batch_size", "batchSize"),
    /** Peak learning rate of the cosine schedule (OpenRLHF's cosine_with_min_lr). */
    LEARNING_RATE(supervised(), "--learning_rate", "learningRate"),
    /** OpenRLHF has one token limit for prompt and response together: the sum of ours. */
    MAX_LEN(
            supervised(),
            "--max_len",
            v -> whole(v.path("maxPromptTokens").asLong()
                    + v.path("maxResponseTokens").asLong()),
            "maxPromptTokens",
            "maxResponseTokens"),
    /** Steps between validation measurements on --eval_dataset. */
    EVAL_EVERY(supervised(), "--eval_steps", "evalEvery"),
    /** DPO's beta, the strength of the implicit KL constraint. */
    BETA(EnumSet.of(DPO), "--beta", "beta"),
    /** IPO's loss instead of DPO's sigmoid: a switch in OpenRLHF. */
    IPO(EnumSet.of(DPO), "--ipo", v -> "ipo".equalsIgnoreCase(v.path("loss").asString("")) ? "" : null, "loss"),
    /** RPO's likelihood term on the chosen output is OpenRLHF's NLL regulariser. */
    RPO_ALPHA(EnumSet.of(DPO), "--nll_loss_coef", "rpoAlpha"),
    /**
     * OpenRLHF runs episodes over the prompt set rather than a count of iterations: one episode over
     * iterations x rolloutBatch prompts is the same number of rollouts when the set holds that many (it repeats
     * nothing when it holds fewer: the run is then shorter).
     */
    ITERATIONS(
            EnumSet.of(PPO),
            "--max_samples",
            v -> whole(v.path("iterations").asLong() * v.path("rolloutBatch").asLong()),
            "iterations"),
    /** Prompts (episodes) per rollout. */
    ROLLOUT_BATCH(EnumSet.of(PPO), "--rollout_batch_size", "rolloutBatch"),
    /** Episodes per gradient step. */
    MINI_BATCH(EnumSet.of(PPO), "--train_batch_size", "miniBatch"),
    /** Passes over each rollout batch. */
    PPO_EPOCHS(EnumSet.of(PPO), "--max_epochs", "ppoEpochs"),
    /** The policy's learning rate. */
    ACTOR_LEARNING_RATE(EnumSet.of(PPO), "--actor_learning_rate", "learningRate"),
    /** The value function's learning rate (OpenRLHF's critic). */
    CRITIC_LEARNING_RATE(EnumSet.of(PPO), "--critic_learning_rate", "valueLearningRate"),
    /** Warm-up as a share of the whole run, which is how OpenRLHF takes it. */
    WARMUP(
            EnumSet.of(PPO),
            "--lr_warmup_ratio",
            v -> real(Math.min(
                    1.0,
                    v.path("warmupIterations").asDouble()
                            / Math.max(1, v.path("iterations").asDouble()))),
            "warmupIterations"),
    /** PPO's ratio clip. */
    CLIP_RANGE(EnumSet.of(PPO), "--eps_clip", "clipRange"),
    /** The value prediction clip. */
    VALUE_CLIP_RANGE(EnumSet.of(PPO), "--value_clip", "valueClipRange"),
    /** Discount. */
    GAMMA(EnumSet.of(PPO), "--gamma", "gamma"),
    /** GAE lambda; OpenRLHF spells it lambd. */
    LAMBDA(EnumSet.of(PPO), "--lambd", "lambda"),
    /** The starting beta of the per-token KL penalty. */
    KL_COEF(EnumSet.of(PPO), "--init_kl_coef", "klCoef"),
    /** The adaptive controller's target; 0 (a fixed beta) is OpenRLHF's default of no target, so no flag. */
    TARGET_KL(
            EnumSet.of(PPO),
            "--kl_target",
            v -> v.path("targetKl").asDouble() > 0 ? real(v.path("targetKl").asDouble()) : null,
            "targetKl"),
    /** Episodes over which the adaptive controller corrects the KL error. */
    KL_HORIZON(EnumSet.of(PPO), "--kl_horizon", "klHorizon"),
    /** An EMA of the policy weights is a switch and a decay in OpenRLHF; 0 turns it off in both. */
    EMA(EnumSet.of(PPO), "--enable_ema", v -> v.path("emaDecay").asDouble() > 0 ? "" : null, "emaDecay"),
    /** ...and its decay. */
    EMA_DECAY(
            EnumSet.of(PPO),
            "--ema_beta",
            v -> v.path("emaDecay").asDouble() > 0 ? real(v.path("emaDecay").asDouble()) : null,
            "emaDecay"),
    /** Prompt token limit of the rollouts. */
    PROMPT_TOKENS(EnumSet.of(PPO), "--prompt_max_len", "maxPromptTokens"),
    /** Response length limit of the rollouts. */
    NEW_TOKENS(EnumSet.of(PPO), "--generate_max_len", "maxNewTokens");

    /**
     * Hyperparameters OpenRLHF has no flag for, per run type, with the reason. The Ray run logs each one whose value
     * is not the default, so the engineer knows the cluster trained without it.
     */
    public static final Map<RunType, Map<String, String>> NOT_MAPPED = Map.of(
            SFT,
            Map.of(
                    "minLearningRateRatio",
                    "OpenRLHF's cosine_with_min_lr ends at a fixed 0.1 of the peak (InstructForge's default)",
                    "dropout",
                    "OpenRLHF trains with the dropout of the model's config.json",
                    "selectionPrompts",
                    "InstructForge picks the SFT checkpoint the reward model scores best; OpenRLHF saves the last",
                    "selectionMaxNewTokens",
                    "as selectionPrompts"),
            REWARD,
            Map.of(
                    "minLearningRateRatio",
                    "OpenRLHF's cosine_with_min_lr ends at a fixed 0.1 of the peak (InstructForge's default)"),
            DPO,
            Map.of(
                    "minLearningRateRatio",
                    "OpenRLHF's cosine_with_min_lr ends at a fixed 0.1 of the peak (InstructForge's default)",
                    "referenceFree",
                    "OpenRLHF's DPO always compares against a reference model"),
            PPO,
            Map.of(
                    "ptxCoef",
                    "PPO-ptx needs --pretrain_data, a dataset; InstructForge's ptx corpus is generated in-process",
                    "ptxBatch",
                    "as ptxCoef",
                    "missingEosScore",
                    "OpenRLHF scores every response with the reward model, cut off or not"));

    private final Set<RunType> types;
    private final String flag;
    private final Function<JsonNode, String> value;
    private final List<String> parameters;

    /** A row that passes one hyperparameter's value on as it is. */
    OpenRlhfFlags(Set<RunType> types, String flag, String parameter) {
        this(types, flag, v -> number(v.path(parameter)), parameter);
    }

    /**
     * @param value the flag's value from all the run's hyperparameters: null leaves the flag out, "" makes it a
     *     switch
     * @param parameters the hyperparameters it stands for
     */
    OpenRlhfFlags(Set<RunType> types, String flag, Function<JsonNode, String> value, String... parameters) {
        this.types = types;
        this.flag = flag;
        this.value = value;
        this.parameters = List.of(parameters);
    }

    public String flag() {
        return flag;
    }

    public List<String> parameters() {
        return parameters;
    }

    public boolean appliesTo(RunType type) {
        return types.contains(type);
    }

    /** The flags of a run of this type with these hyperparameters (every parameter present), in table order. */
    public static List<String> arguments(RunType type, JsonNode hyperparameters) {
        List<String> args = new ArrayList<>();
        for (OpenRlhfFlags row : values()) {
            if (!row.appliesTo(type)) {
                continue;
            }
            String v = row.value.apply(hyperparameters);
            if (v != null) {
                args.add(row.flag);
                if (!v.isEmpty()) {
                    args.add(v);
                }
            }
        }
        return args;
    }

    /** Hyperparameters of this type the table does not hand over, with the reason, by name. */
    public static Map<String, String> notMapped(RunType type) {
        return new LinkedHashMap<>(NOT_MAPPED.getOrDefault(type, Map.of()));
    }

    private static Set<RunType> all() {
        return EnumSet.of(SFT, REWARD, DPO, PPO);
    }

    private static Set<RunType> supervised() {
        return EnumSet.of(SFT, REWARD, DPO);
    }

    private static String number(JsonNode v) {
        return v.isIntegralNumber() ? whole(v.asLong()) : real(v.asDouble());
    }

    private static String whole(long v) {
        return Long.toString(v);
    }

    /** Python's float() reads Java's double text ("1.0E-5") as it is. */
    private static String real(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
