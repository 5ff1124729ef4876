package org.instructforge.training.runs;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where runs whose executor is {@code ray} go, and how their OpenRLHF jobs start.
 *
 * @param address the Ray head node's dashboard, which serves the Jobs REST API (default {@code http://127.0.0.1:8265})
 * @param pollInterval how often the worker reads the job's status and logs
 * @param requestTimeout how long one call to the Jobs API may take
 * @param unreachableAfter how long the API may stay unreachable while a job runs before the run fails (a head node
 *     restarting for a minute does not fail a day-long run)
 * @param launcher how SFT, reward-model and DPO trainers start on the cluster (default {@code deepspeed --module});
 *     PPO always starts as {@code python3 -m openrlhf.cli.train_ppo_ray}
 * @param extraArguments flags appended to every OpenRLHF command as they are: the cluster's shape, which no run
 *     hyperparameter says ({@code --zero_stage 3 --bf16 --flash_attn --micro_train_batch_size 2}, PPO's
 *     {@code --actor_num_gpus_per_node 8}...)
 * @param pip the job's runtime environment: the Python packages Ray installs for it (default {@code openrlhf})
 * @param clusterCheckpointRoot the checkpoint root ({@code instructforge.runs.checkpoint-root}) as the cluster's
 *     nodes mount it; default: the same path. Exports, start checkpoints and the job's output live there.
 */
@ConfigurationProperties("instructforge.ray")
public record RayProperties(
        String address,
        Duration pollInterval,
        Duration requestTimeout,
        Duration unreachableAfter,
        String launcher,
        String extraArguments,
        List<String> pip,
        String clusterCheckpointRoot) {

    public RayProperties {
        address = address == null || address.isBlank() ? "http://127.0.0.1:8265" : address.strip();
        pollInterval = pollInterval == null ? Duration.ofSeconds(5) : pollInterval;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        unreachableAfter = unreachableAfter == null ? Duration.ofMinutes(2) : unreachableAfter;
        launcher = launcher == null || launcher.isBlank() ? "deepspeed --module" : launcher.strip();
        extraArguments = extraArguments == null ? "" : extraArguments.strip();
        pip = pip == null || pip.isEmpty() ? List.of("openrlhf") : List.copyOf(pip);
        URI.create(address); // a malformed address fails at start-up, not at the first Ray run
    }

    public URI addressUri() {
        return URI.create(address);
    }

    /** A path under the local checkpoint root as the cluster sees it. */
    String onCluster(Path local, Path checkpointRoot) {
        if (clusterCheckpointRoot == null || clusterCheckpointRoot.isBlank() || !local.startsWith(checkpointRoot)) {
            return local.toString();
        }
        return Path.of(clusterCheckpointRoot)
                .resolve(checkpointRoot.relativize(local))
                .toString();
    }
}
