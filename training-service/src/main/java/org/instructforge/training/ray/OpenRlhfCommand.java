package org.instructforge.training.ray;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.instructforge.shared.RunType;
import tools.jackson.databind.JsonNode;

/**
 * The shell command a Ray job runs for a run: OpenRLHF's trainer for its type, reading the exported JSONL and the
 * start checkpoint and writing a Hugging Face model folder to {@code --save_path}. Paths are as the cluster's nodes
 * see the shared checkpoint volume.
 *
 * <p>SFT, reward model and DPO run through {@code launcher} (by default DeepSpeed's, {@code deepspeed --module},
 * which spreads one trainer over a node's GPUs); PPO is OpenRLHF's Ray trainer ({@code python3 -m
 * openrlhf.cli.train_ppo_ray}), which places the actor, critic, reward and reference models on the cluster itself.
 */
public final class OpenRlhfCommand {

    /**
     * Where a job reads and writes, on the cluster.
     *
     * @param start the start checkpoint: an HF-layout folder, or a Hugging Face Hub name
     * @param rewardModel PPO only: the reward model's folder
     * @param train the training JSONL
     * @param validation the validation JSONL (not for PPO)
     * @param output where the trained model's HF folder is written (OpenRLHF's --save_path)
     * @param checkpoints OpenRLHF's resumable state (--ckpt_path), which a resubmitted job resumes from
     */
    public record Paths(
            String start, String rewardModel, String train, String validation, String output, String checkpoints) {}

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./=:@%+-]+");

    private OpenRlhfCommand() {}

    /** OpenRLHF's module for a run type. */
    public static String module(RunType type) {
        return switch (type) {
            case SFT -> "openrlhf.cli.train_sft";
            case REWARD -> "openrlhf.cli.train_rm";
            case DPO -> "openrlhf.cli.train_dpo";
            case PPO -> "openrlhf.cli.train_ppo_ray";
            default -> throw new IllegalArgumentException(type + " runs cannot be handed to Ray");
        };
    }

    /**
     * The whole command line, shell-quoted.
     *
     * @param hyperparameters every hyperparameter of the run (defaults filled in)
     * @param launcher how SFT, reward-model and DPO trainers start, e.g. {@code deepspeed --module}
     * @param extraArguments cluster-specific flags appended as they are (--zero_stage, --bf16, micro batch sizes...)
     */
    public static String entrypoint(
            RunType type, JsonNode hyperparameters, Paths paths, String launcher, String extraArguments) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--pretrain", paths.start()));
        switch (type) {
            case SFT ->
                args.addAll(List.of(
                        "--dataset",
                        paths.train(),
                        "--eval_dataset",
                        paths.validation(),
                        "--input_key",
                        "prompt",
                        "--output_key",
                        "completion"));
            case REWARD, DPO ->
                args.addAll(List.of(
                        "--dataset",
                        paths.train(),
                        "--eval_dataset",
                        paths.validation(),
                        "--prompt_key",
                        "prompt",
                        "--chosen_key",
                        "chosen",
                        "--rejected_key",
                        "rejected"));
            case PPO ->
                args.addAll(List.of(
                        "--reward_pretrain",
                        paths.rewardModel(),
                        "--prompt_data",
                        paths.train(),
                        "--input_key",
                        "prompt",
                        "--num_episodes",
                        "1"));
            default -> throw new IllegalArgumentException(type + " runs cannot be handed to Ray");
        }
        // The JSONL holds plain text: the start model's tokenizer formats it as a chat.
        args.add("--apply_chat_template");
        args.addAll(List.of("--save_path", paths.output(), "--ckpt_path", paths.checkpoints(), "--load_checkpoint"));
        // Every step's metrics in the log, where the worker reads them for the run's curves.
        args.addAll(List.of("--logging_steps", "1"));
        args.addAll(OpenRlhfFlags.arguments(type, hyperparameters));
        String start = type == RunType.PPO ? "python3 -m" : launcher.strip();
        String extra = extraArguments == null || extraArguments.isBlank() ? "" : " " + extraArguments.strip();
        return start + " " + module(type) + " "
                + args.stream().map(OpenRlhfCommand::quote).collect(Collectors.joining(" ")) + extra;
    }

    /** POSIX shell quoting: safe words stay as they are, anything else in single quotes. */
    static String quote(String word) {
        return SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
