package org.instructforge.training.ray;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.instructforge.shared.ranking.ComparisonPairs;
import org.instructforge.shared.ranking.PreferencePair;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.rlhf.RewardTrainer;
import org.instructforge.training.rlhf.SftTrainer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The selected labels as the JSON Lines TRL's and OpenRLHF's dataset loaders read (one object per line, UTF-8, plain
 * text: the trainer applies the model's chat template):
 *
 * <ul>
 *   <li>demonstrations: TRL's prompt-completion format, {@code {"prompt": ..., "completion": ...}};
 *   <li>rankings: TRL's preference format, {@code {"prompt": ..., "chosen": ..., "rejected": ...}}, one line per
 *       strict pair of a ranking ({@link ComparisonPairs}: all C(K,2) pairs but the ties, best pairs first);
 *   <li>PPO prompts: TRL's prompt-only format, {@code {"prompt": ...}}.
 * </ul>
 */
public final class TrlJsonl {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TrlJsonl() {}

    /** Writes the demonstrations; answers the number of lines. */
    public static int demonstrations(List<SftTrainer.Example> examples, Path file) throws IOException {
        return write(
                file,
                examples.stream()
                        .map(e -> line("prompt", e.prompt(), "completion", e.response()))
                        .toList());
    }

    /** Writes every strict pair of every ranking; answers the number of lines (pairs). */
    public static int preferencePairs(List<RewardTrainer.RankedExample> rankings, Path file) throws IOException {
        return write(
                file,
                rankings.stream()
                        .flatMap(r -> ComparisonPairs.of(r.ranking()).stream().map(pair -> pair(r, pair)))
                        .toList());
    }

    /** Writes the prompts a PPO run samples from; answers the number of lines. */
    public static int prompts(List<String> prompts, Path file) throws IOException {
        return write(file, prompts.stream().map(p -> line("prompt", p)).toList());
    }

    private static Map<String, String> pair(RewardTrainer.RankedExample ranking, PreferencePair pair) {
        return line(
                "prompt",
                ranking.prompt(),
                "chosen",
                output(ranking, pair.chosen()),
                "rejected",
                output(ranking, pair.rejected()));
    }

    /** A candidate's text: the ranking lists candidate ids in the order of the example's outputs. */
    private static String output(RewardTrainer.RankedExample ranking, long candidate) {
        RankedCandidates r = ranking.ranking();
        return ranking.outputs().get(r.candidates().indexOf(candidate));
    }

    private static Map<String, String> line(String... keysAndValues) {
        Map<String, String> line = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            line.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return line;
    }

    private static int write(Path file, List<Map<String, String>> lines) throws IOException {
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map<String, String> line : lines) {
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
        return lines.size();
    }
}
