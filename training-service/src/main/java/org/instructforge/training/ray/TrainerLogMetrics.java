package org.instructforge.training.ray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics OpenRLHF's trainers print. With {@code --logging_steps 1} each step updates a tqdm progress bar whose
 * postfix holds that step's logs, e.g.
 * {@code Train step of epoch 1:  40%|####      | 4/10 [00:04<00:06,  1.0it/s, gpt_loss=1.23, lr=5e-06]}
 * ({@code step_bar.set_postfix(logs_dict)} in its SFT, reward-model, DPO and PPO trainers). Within an epoch (or PPO
 * episode) tqdm counts steps from 1; the run's step is {@code epoch * total + n}, with OpenRLHF's 0-based epoch.
 * A bar redraws with a carriage return, so one log "line" may hold many steps: split on both.
 */
public final class TrainerLogMetrics {

    /**
     * One step's metrics.
     *
     * @param step the step counted over the whole run
     * @param stepsPerPass the bar's total: steps per epoch (PPO: per episode)
     */
    public record Point(int step, int stepsPerPass, Map<String, Double> values) {}

    private static final Pattern BAR =
            Pattern.compile("(?:(?:epoch|Episode)\\s*\\[?(\\d+)[^|]*)?\\|[^|]*\\|\\s*(\\d+)/(\\d+)\\s*\\[([^\\]]*)\\]");
    private static final Pattern PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_/]*)=([-+0-9.eEinfaN]+)");

    private TrainerLogMetrics() {}

    /** The step and metrics of one progress-bar line, if it is one and has metrics. */
    public static Optional<Point> parse(String line) {
        Matcher bar = BAR.matcher(line);
        if (!bar.find()) {
            return Optional.empty();
        }
        int epoch = bar.group(1) == null ? 0 : Integer.parseInt(bar.group(1));
        int n = Integer.parseInt(bar.group(2));
        int total = Integer.parseInt(bar.group(3));
        Map<String, Double> values = new LinkedHashMap<>();
        Matcher pair = PAIR.matcher(bar.group(4));
        while (pair.find()) {
            try {
                values.put(pair.group(1), Double.parseDouble(pair.group(2)));
            } catch (NumberFormatException e) {
                // not a number (a unit like "1.0it/s" never matches key=value): skip it
            }
        }
        if (values.isEmpty() || n == 0) {
            return Optional.empty();
        }
        // OpenRLHF's PPO counts episodes from 1 in its bar ("Episode [1/2]"); the trainers' epochs count from 0.
        int pass = line.contains("Episode") ? Math.max(0, epoch - 1) : epoch;
        return Optional.of(new Point(pass * total + n, total, values));
    }
}
