package org.instructforge.shared.run;

import static org.instructforge.shared.run.Hyperparameter.choice;
import static org.instructforge.shared.run.Hyperparameter.flag;
import static org.instructforge.shared.run.Hyperparameter.real;
import static org.instructforge.shared.run.Hyperparameter.whole;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.RunType;

/**
 * The hyperparameters an engineer may set for each kind of run, with the InstructGPT recipe's defaults (scaled to
 * the default model; see {@code ../shared/reference/instructgpt-recipe.md}) and their ranges. This is the contract:
 * the dashboard validates a request with it and stores every value; the training service binds the stored values
 * onto its trainers' settings records by name (a test there checks that the names and defaults agree).
 */
public final class Hyperparameters {

    /**
     * Validated values (every parameter of the run type, defaults filled in: numbers, a choice's name, a flag's
     * boolean) or, per parameter, what is wrong.
     */
    public record Validation(Map<String, Object> values, Map<String, String> errors) {

        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** A cosine-decayed AdamW schedule from this peak learning rate. */
    private static List<Hyperparameter> cosine(double learningRate, String endHelp) {
        return List.of(
                real("learningRate", learningRate, 1e-7, 1e-2, "peak AdamW learning rate, cosine-decayed"),
                real("minLearningRateRatio", 0.1, 0, 1, endHelp));
    }

    private static final Hyperparameter WEIGHT_DECAY = real("weightDecay", 0, 0, 1, "AdamW decoupled weight decay");
    private static final Hyperparameter GRAD_CLIP = real("gradClip", 1, 0.01, 100, "global gradient norm limit");

    /** AdamW's weight decay and the gradient norm clip, set alike for every trainer. */
    private static final List<Hyperparameter> REGULARISATION = List.of(WEIGHT_DECAY, GRAD_CLIP);

    /** Token limits of the (prompt, response) pairs a supervised or preference trainer reads. */
    private static List<Hyperparameter> lengths(String responses) {
        return List.of(
                whole("maxPromptTokens", 128, 8, 1024, "longer prompts keep their end"),
                whole("maxResponseTokens", 96, 1, 1024, "longer " + responses + " are cut"));
    }

    /** How often a step-based trainer measures validation and writes a resumable checkpoint. */
    private static List<Hyperparameter> cadence(long every) {
        return List.of(
                whole("evalEvery", every, 1, 100_000, "steps between validation measurements"),
                whole("checkpointEvery", every, 1, 100_000, "steps between resumable checkpoints"));
    }

    /** One list from single parameters and groups, in the order given. */
    private static List<Hyperparameter> params(Object... parts) {
        List<Hyperparameter> all = new java.util.ArrayList<>();
        for (Object part : parts) {
            if (part instanceof Hyperparameter p) {
                all.add(p);
            } else {
                for (Object p : (List<?>) part) {
                    all.add((Hyperparameter) p);
                }
            }
        }
        return List.copyOf(all);
    }

    private static final List<Hyperparameter> SFT = params(
            whole("seed", 1, 0, Integer.MAX_VALUE, "batch order and dropout masks"),
            whole("epochs", 16, 1, 100, "passes over the demonstrations (InstructGPT: 16)"),
            whole("batchSize", 32, 1, 1024, "demonstrations per step"),
            cosine(3e-4, "the cosine ends at this share of the peak (InstructGPT: 10 %)"),
            WEIGHT_DECAY, // in the order of SftTrainer.Settings' components, as the form shows them
            real("dropout", 0.2, 0, 0.9, "residual dropout while training (InstructGPT: 0.2)"),
            GRAD_CLIP,
            lengths("demonstrations"),
            cadence(50),
            whole("selectionPrompts", 64, 1, 10_000, "validation prompts answered for reward-model selection"),
            whole("selectionMaxNewTokens", 32, 1, 512, "answer length for that selection"));

    private static final List<Hyperparameter> REWARD = params(
            whole("seed", 1, 0, Integer.MAX_VALUE, "batch order"),
            whole("epochs", 1, 1, 100, "passes over the rankings (InstructGPT: 1; more overfits)"),
            // 16 rankings, as the experiment's recipe, not InstructGPT's 64: a step takes every output of each ranking
            // at once, and 64 rankings of nine outputs at the length limits need an estimated 37 GiB of activations on
            // the default model (RunMemory), more than a CPU worker holds, so a default run would be refused
            whole("batchSize", 16, 1, 1024, "rankings (prompts) per step, all C(K,2) pairs of each together"),
            cosine(1e-4, "the cosine ends at this share of the peak"),
            REGULARISATION,
            lengths("candidates"),
            cadence(20));

    private static final List<Hyperparameter> PPO = params(
            whole("seed", 1, 0, Integer.MAX_VALUE, "prompt order and samples"),
            whole("iterations", 100, 1, 100_000, "rollout-and-update iterations"),
            whole("rolloutBatch", 64, 1, 4096, "episodes per iteration (InstructGPT: 512)"),
            whole("miniBatch", 16, 1, 4096, "episodes per gradient step; must divide the rollout batch"),
            whole("ppoEpochs", 1, 1, 16, "passes over each rollout batch (InstructGPT: 1)"),
            real("learningRate", 1e-5, 1e-8, 1e-2, "policy learning rate"),
            real("valueLearningRate", 1e-5, 1e-8, 1e-2, "value-function learning rate"),
            whole("warmupIterations", 10, 0, 100_000, "linear warm-up of both learning rates (InstructGPT: 10)"),
            real("clipRange", 0.2, 0.01, 1, "PPO ratio clip"),
            real("valueClipRange", 0.2, 0.01, 10, "value prediction clip"),
            real("gamma", 1, 0, 1, "discount (1: the reward comes at the end)"),
            real("lambda", 0.95, 0, 1, "GAE lambda"),
            real("klCoef", 0.02, 0, 10, "beta of the per-token KL penalty against the SFT policy (InstructGPT: 0.02)"),
            real("targetKl", 0, 0, 100, "nats the adaptive controller steers to; 0 keeps beta fixed"),
            whole("klHorizon", 10_000, 1, 10_000_000, "episodes over which the controller corrects the KL error"),
            real("ptxCoef", 0, 0, 100, "PPO-ptx: weight of the pretraining loss; 0 is plain PPO"),
            whole("ptxBatch", 16, 1, 4096, "pretraining sequences per minibatch"),
            real("emaDecay", 0, 0, 0.9999, "EMA of the policy weights (InstructGPT: 0.992); 0 disables"),
            whole("maxPromptTokens", 96, 8, 1024, "longer prompts keep their end"),
            whole("maxNewTokens", 32, 1, 512, "response length limit"),
            real("missingEosScore", -1, -100, 100, "score of a response cut off before its end, or empty"),
            REGULARISATION,
            whole("checkpointEvery", 10, 1, 100_000, "iterations between resumable checkpoints"));

    /** DPO (Rafailov et al. 2023) from the same rankings as the reward model; the start checkpoint is the reference. */
    private static final List<Hyperparameter> DPO = params(
            whole("seed", 1, 0, Integer.MAX_VALUE, "batch order"),
            whole("epochs", 1, 1, 100, "passes over the rankings (one, as the reward model: preferences overfit)"),
            whole("batchSize", 16, 1, 1024, "rankings (prompts) per step, all C(K,2) pairs of each together"),
            cosine(1e-4, "the cosine ends at this share of the peak"),
            real("beta", 0.1, 0.001, 100, "strength of the implicit KL constraint to the reference (the paper: 0.1)"),
            choice(
                    "loss",
                    "sigmoid",
                    "sigmoid: DPO's Bradley-Terry loss; ipo: regress the gap to 1/(2 beta)",
                    "sigmoid",
                    "ipo"),
            flag("referenceFree", false, "no reference model: compare the policy's own log-probs"),
            real("rpoAlpha", 1, 0, 100, "weight of RPO's likelihood term on the chosen output; 0: plain DPO"),
            REGULARISATION,
            lengths("candidates"),
            cadence(20));

    /** How a CANDIDATES or EVALUATION run samples; recorded with every output it writes. */
    private static final List<Hyperparameter> SAMPLING = List.of(
            whole("seed", 1, 0, Integer.MAX_VALUE, "sampling seed"),
            real("temperature", 1, 0, 2, "0 is greedy"),
            real("topP", 1, 0.01, 1, "nucleus sampling mass"),
            whole("topK", 0, 0, 100_000, "0 keeps every token"),
            whole("maxNewTokens", 64, 1, 512, "response length limit"));

    private Hyperparameters() {}

    /** Every parameter of this run type, in the order a form shows them. */
    public static List<Hyperparameter> of(RunType type) {
        return switch (type) {
            case SFT -> SFT;
            case REWARD -> REWARD;
            case PPO -> PPO;
            case DPO -> DPO;
            case CANDIDATES, EVALUATION -> SAMPLING;
            case PRETRAIN -> List.of();
        };
    }

    /** The defaults of this run type as stored values. */
    public static Map<String, Object> defaults(RunType type) {
        return validate(type, Map.of()).values();
    }

    /**
     * Checks raw values (as a form or a JSON request sends them; absent or blank means the default) and answers
     * every value of the run type, or an error per parameter: unknown names, non-numbers, fractions where a whole
     * number is due, values out of range, and the rules between parameters.
     */
    public static Validation validate(RunType type, Map<String, String> raw) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        List<Hyperparameter> spec = of(type);
        for (String name : raw.keySet()) {
            if (spec.stream().noneMatch(p -> p.name().equals(name))) {
                errors.put(name, "unknown hyperparameter for a " + type + " run");
            }
        }
        for (Hyperparameter p : spec) {
            String text = raw.get(p.name());
            if (p.isChoice()) {
                Object choice =
                        text == null || text.isBlank() ? p.parseChoice(p.formattedDefault()) : p.parseChoice(text);
                if (choice == null) {
                    errors.put(p.name(), "must be one of " + String.join(", ", p.choices()));
                } else {
                    values.put(p.name(), choice);
                }
                continue;
            }
            double value;
            if (text == null || text.isBlank()) {
                value = p.defaultValue();
            } else {
                try {
                    value = Double.parseDouble(text.trim());
                } catch (NumberFormatException e) {
                    errors.put(p.name(), "'" + text.trim() + "' is not a number");
                    continue;
                }
            }
            if (!Double.isFinite(value)) {
                errors.put(p.name(), "must be a finite number");
            } else if (p.integer() && value != Math.rint(value)) {
                errors.put(p.name(), "must be a whole number");
            } else if (value < p.min() || value > p.max()) {
                errors.put(p.name(), "must be between " + p.format(p.min()) + " and " + p.format(p.max()));
            } else {
                values.put(p.name(), p.integer() ? (Number) (long) value : (Number) value);
            }
        }
        if (type == RunType.PPO && values.containsKey("rolloutBatch") && values.containsKey("miniBatch")) {
            long rollout = ((Number) values.get("rolloutBatch")).longValue();
            long mini = ((Number) values.get("miniBatch")).longValue();
            if (rollout % mini != 0) {
                errors.put("miniBatch", "must divide the rollout batch (" + rollout + ")");
            }
        }
        return new Validation(Collections.unmodifiableMap(values), Collections.unmodifiableMap(errors));
    }
}
