package org.instructforge.shared.run;

import java.util.Optional;
import java.util.Set;
import org.instructforge.shared.CheckpointKind;
import org.instructforge.shared.RunType;

/**
 * Which checkpoints a run may start from (the lineage base -> SFT -> reward model -> PPO, or SFT -> DPO), for the dashboard's
 * validation and the worker's own check.
 */
public final class RunInputs {

    private RunInputs() {}

    /** The kinds a run of this type may start from: its policy (SFT, PPO, DPO) or its initialisation (reward model). */
    public static Set<CheckpointKind> startKinds(RunType type) {
        return switch (type) {
            case SFT -> Set.of(CheckpointKind.BASE, CheckpointKind.SFT);
            case REWARD -> Set.of(CheckpointKind.SFT, CheckpointKind.BASE);
            case PPO -> Set.of(CheckpointKind.SFT, CheckpointKind.PPO);
            // The start is also DPO's reference: the SFT policy, or an earlier DPO policy to continue from.
            case DPO -> Set.of(CheckpointKind.SFT, CheckpointKind.DPO);
            case CANDIDATES, EVALUATION ->
                Set.of(CheckpointKind.BASE, CheckpointKind.SFT, CheckpointKind.PPO, CheckpointKind.DPO);
            case PRETRAIN -> Set.of();
        };
    }

    /** What is wrong with starting a {@code type} run from a checkpoint of this kind, if anything. */
    public static Optional<String> checkStart(RunType type, CheckpointKind start) {
        if (start == null) {
            return type == RunType.PRETRAIN ? Optional.empty() : Optional.of("choose the checkpoint to start from");
        }
        return startKinds(type).contains(start)
                ? Optional.empty()
                : Optional.of(
                        "a " + type + " run starts from " + startKinds(type) + ", not from a " + start + " checkpoint");
    }

    /** PPO needs a reward model (kind REWARD); no other run takes one. */
    public static Optional<String> checkReward(RunType type, CheckpointKind reward) {
        if (type == RunType.PPO) {
            return reward == CheckpointKind.REWARD
                    ? Optional.empty()
                    : Optional.of("a PPO run needs a reward model checkpoint");
        }
        return reward == null ? Optional.empty() : Optional.of("only PPO runs take a reward model");
    }
}
