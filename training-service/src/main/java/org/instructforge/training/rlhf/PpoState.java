package org.instructforge.training.rlhf;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.HfCheckpoint;
import org.instructforge.training.toolbox.AdamW;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.MetricSink;
import tools.jackson.databind.JsonNode;

/**
 * What a PPO run carries from one iteration to the next, and what its checkpoints hold: the policy and the value
 * function with their AdamW moments, the EMA of the policy's weights (when on) and the KL controller; beside them the
 * frozen SFT reference. Kept out of {@link PpoTrainer} so that its loop is the algorithm's steps.
 */
record PpoState(
        CausalLm policy,
        CausalLm value,
        CausalLm reference,
        AdamW policyOptimizer,
        AdamW valueOptimizer,
        WeightEma ema, // null when the settings' EMA decay is 0
        PpoTrainer.KlController kl,
        int start) { // iterations already done: 0, or those of the checkpoint resumed from

    private static final String EMA_FILE = "ema.safetensors";

    /**
     * The policy from {@code sft} and the value function from {@code valueInit} (the reward model, its scalar head
     * included), or both picked up at the newest checkpoint under {@code checkpoints}: checksums checked, optimizer
     * moments, EMA and KL coefficient restored, and the metrics told that later points are obsolete.
     */
    static PpoState startOrResume(
            PpoTrainer.Settings s,
            Path sft,
            Path valueInit,
            Path checkpoints,
            NDManager manager,
            MetricSink metrics,
            PrintStream log)
            throws IOException {
        Optional<Path> resume = Checkpoints.latest(checkpoints);
        // RLHF runs without dropout, so sampling, reference and training passes score a token identically.
        CausalLm policy = HfCheckpoint.load(resume.map(d -> d.resolve("policy")).orElse(sft), manager, false, 0f);
        CausalLm value = HfCheckpoint.load(resume.map(d -> d.resolve("value")).orElse(valueInit), manager, true, 0f);
        CausalLm reference = HfCheckpoint.load(sft, manager, false, 0f);
        AdamW.Settings adam = AdamW.Settings.instructGpt(s.weightDecay()).withClip(s.gradClip());
        AdamW policyOptimizer = new AdamW(policy.parametersByName(), adam, manager);
        AdamW valueOptimizer = new AdamW(value.parametersByName(), adam, manager);
        WeightEma ema = s.emaDecay() > 0 ? new WeightEma(policy, s.emaDecay(), manager) : null;
        double beta = s.klCoef();
        int start = 0;
        if (resume.isPresent()) {
            Path dir = resume.get();
            Checkpoints.verify(dir);
            policyOptimizer.load(dir.resolve("policy").resolve(SftTrainer.OPTIMIZER));
            valueOptimizer.load(dir.resolve("value").resolve(SftTrainer.OPTIMIZER));
            JsonNode state = Checkpoints.readState(dir);
            start = state.path("iteration").asInt();
            beta = state.path("kl_coef").asDouble();
            if (ema != null) {
                ema.load(dir.resolve(EMA_FILE));
            }
            metrics.resumedAt(PpoTrainer.STAGE, start);
            log.printf("ppo: resuming at iteration %d from %s%n", start, dir);
        }
        PpoTrainer.KlController kl = new PpoTrainer.KlController(beta, s.targetKl(), s.klHorizon());
        return new PpoState(policy, value, reference, policyOptimizer, valueOptimizer, ema, kl, start);
    }

    /** After every optimizer step of the policy: the EMA follows each step, as its decay assumes. */
    void afterPolicyStep() {
        if (ema != null) {
            ema.update(policy);
        }
    }

    /** A resumable checkpoint after {@code iteration} iterations ({@code sft} supplies the tokenizer files). */
    void save(Path dir, Path sft, int iteration) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("stage", PpoTrainer.STAGE);
        state.put("iteration", iteration);
        state.put("kl_coef", kl.beta());
        Checkpoints.writeAtomically(dir, tmp -> {
            HfCheckpoint.save(policy, tmp.resolve("policy"), sft);
            policyOptimizer.save(tmp.resolve("policy").resolve(SftTrainer.OPTIMIZER));
            HfCheckpoint.save(value, tmp.resolve("value"), sft);
            valueOptimizer.save(tmp.resolve("value").resolve(SftTrainer.OPTIMIZER));
            if (ema != null) {
                ema.save(tmp.resolve(EMA_FILE));
            }
            Checkpoints.writeState(tmp, state);
        });
    }

    /** The run's output: {@code out/value} and {@code out/policy}, the latter the EMA weights when EMA is on. */
    PpoTrainer.Result finish(Path out, Path sft, int iterations) throws IOException {
        Path valueOut = Checkpoints.saveModel(value, out.resolve("value"), sft);
        if (ema != null) {
            ema.copyInto(policy); // InstructGPT evaluates the EMA of the weights
        }
        Path policyOut = Checkpoints.saveModel(policy, out.resolve("policy"), sft);
        return new PpoTrainer.Result(policyOut, valueOut, iterations, false);
    }
}
