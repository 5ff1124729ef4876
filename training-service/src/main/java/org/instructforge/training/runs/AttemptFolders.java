package org.instructforge.training.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.instructforge.training.toolbox.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local training run's resumable state, one folder per attempt: {@code runs/run-N-TIME/attempt-K/}, the trainer's
 * {@code out} (step checkpoints under {@code checkpoints/}, SFT's {@code best}, the final model). A worker presumed
 * dead that comes back may still finish the step it was in and write a checkpoint before its fenced writes stop it
 * ({@link RunFence}); it writes it into its own attempt's folder, which the attempt holding the run never writes
 * to and resumes from no more once it has its own copy.
 *
 * <p>A new attempt starts by copying the newest complete step checkpoint (sealed by {@code SHA256SUMS} and verified
 * file by file) of the latest earlier attempt that has one, with that attempt's other sealed folders ({@code best}).
 * The latest attempt first, not the highest step: each attempt's folder begins with the state it resumed from, so
 * the latest one holds everything legitimately written before it, while an older attempt may have gained a late
 * checkpoint after it was taken over. A checkpoint that does not verify, or that its writer removes while it is
 * copied, is passed over for the next older one.
 */
final class AttemptFolders {

    private static final Logger log = LoggerFactory.getLogger(AttemptFolders.class);
    private static final Pattern ATTEMPT = Pattern.compile("attempt-(\\d+)");

    private AttemptFolders() {}

    /** The folder attempt {@code attempt} of the run whose folder is {@code runDir} trains in. */
    static Path of(Path runDir, int attempt) {
        return runDir.resolve("attempt-" + attempt);
    }

    /**
     * Prepares attempt {@code attempt}'s folder to resume from the earlier attempts' state (see the class comment);
     * answers the step checkpoint it copied, if any. Never writes outside the new attempt's folder.
     */
    static Optional<Path> prepare(Path runDir, int attempt) throws IOException {
        Path work = of(runDir, attempt);
        Optional<Path> own = Checkpoints.latest(work.resolve(Checkpoints.FOLDER));
        if (own.isPresent()) {
            return Optional.empty(); // already prepared (nothing to copy)
        }
        for (Path earlier : earlierAttempts(runDir, attempt)) {
            List<Path> steps = new ArrayList<>(Checkpoints.stepDirs(earlier.resolve(Checkpoints.FOLDER)));
            Collections.reverse(steps); // newest first
            for (Path step : steps) {
                try {
                    Checkpoints.copyVerified(
                            step,
                            work.resolve(Checkpoints.FOLDER)
                                    .resolve(step.getFileName().toString()));
                } catch (IOException e) {
                    log.warn("Cannot resume from {}: {}", step, e.getMessage());
                    continue;
                }
                copySealedFolders(earlier, work);
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /**
     * The earlier attempts' folders, latest first, then the run's own folder: a run begun before attempts had
     * folders of their own kept its step checkpoints there.
     */
    private static List<Path> earlierAttempts(Path runDir, int attempt) throws IOException {
        List<Path> folders = new ArrayList<>();
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> s = Files.list(runDir)) {
                s.filter(Files::isDirectory)
                        .filter(p -> attemptOf(p) > 0 && attemptOf(p) < attempt)
                        .sorted(Comparator.comparingInt(AttemptFolders::attemptOf)
                                .reversed())
                        .forEach(folders::add);
            }
        }
        folders.add(runDir);
        return folders;
    }

    private static int attemptOf(Path folder) {
        Matcher m = ATTEMPT.matcher(folder.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** The earlier attempt's other sealed folders (SFT's {@code best}); one that does not verify is left behind. */
    private static void copySealedFolders(Path earlier, Path work) throws IOException {
        try (Stream<Path> s = Files.list(earlier)) {
            for (Path folder : s.filter(p -> Files.isRegularFile(p.resolve(Checkpoints.CHECKSUMS)))
                    .toList()) {
                String name = folder.getFileName().toString();
                if (name.startsWith(".") || name.equals(Checkpoints.FOLDER) || attemptOf(folder) > 0) {
                    continue;
                }
                try {
                    Checkpoints.copyVerified(folder, work.resolve(name));
                } catch (IOException e) {
                    log.warn("Not resuming with {}: {}", folder, e.getMessage());
                }
            }
        }
    }
}
