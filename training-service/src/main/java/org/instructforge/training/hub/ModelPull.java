package org.instructforge.training.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.instructforge.training.runs.ModelImport;
import org.instructforge.training.toolbox.Checkpoints;

/**
 * {@code forge pull ORG/NAME}: the files a run needs ({@link ModelImport#isRunFile}) of one Hub repository, at one
 * commit, into a download folder. The folder is named after the commit, so an interrupted pull of the same revision
 * resumes where it stopped, and a repository that moved on meanwhile starts a fresh folder. {@code config.json} comes
 * first: an architecture this product cannot run is refused before any weights are fetched.
 */
public final class ModelPull {

    /** A downloaded, verified model folder. */
    public record Pulled(Path folder, String repo, String commit, long bytes) {}

    /** Hub repository ids: {@code org/name} (or a bare legacy {@code name}), letters, digits, {@code -_.}. */
    private static final Pattern REPO_ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*/)?[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final HubClient hub;
    private final PrintStream progress;

    public ModelPull(HubClient hub, PrintStream progress) {
        this.hub = hub;
        this.progress = progress;
    }

    /** Refuses anything that is not a Hub repository id (a path, a URL), before any request. */
    public static void checkRepoId(String repo) {
        if (!REPO_ID.matcher(repo).matches() || repo.contains("..") || repo.length() > 96) {
            throw new IllegalArgumentException(
                    "'" + repo + "' is not a Hub model id (ORG/NAME, e.g. HuggingFaceTB/SmolLM2-135M-Instruct)");
        }
    }

    /**
     * The run files of {@code repo} at {@code revision}, config.json first, then smallest first; refused when the
     * repository lacks a config, a tokenizer or safetensors weights.
     */
    public HubClient.Snapshot runFiles(String repo, String revision) throws IOException {
        checkRepoId(repo);
        HubClient.Snapshot snapshot = hub.list(repo, revision);
        List<HubClient.RemoteFile> files = snapshot.files().stream()
                .filter(f -> !f.path().contains("/") && ModelImport.isRunFile(f.path()))
                .sorted(Comparator.comparing(
                                (HubClient.RemoteFile f) -> !f.path().equals("config.json"))
                        .thenComparingLong(HubClient.RemoteFile::size))
                .toList();
        requireRunnable(repo, files);
        return new HubClient.Snapshot(repo, snapshot.commit(), files);
    }

    /** Downloads and verifies the files of {@code snapshot} ({@link #runFiles}) under {@code downloads}. */
    public Pulled download(HubClient.Snapshot snapshot, Path downloads) throws IOException {
        String repo = snapshot.repo();
        List<HubClient.RemoteFile> files = snapshot.files();
        Path folder = downloads.resolve(repo.replace("/", "--") + "@" + snapshot.commit());
        Files.createDirectories(folder);
        long total = files.stream().mapToLong(f -> Math.max(0, f.size())).sum();
        progress.printf(
                Locale.ROOT,
                "pulling %s at %s: %d files, %s%n",
                repo,
                snapshot.commit(),
                files.size(),
                humanBytes(total));
        for (HubClient.RemoteFile file : files) {
            Path target = folder.resolve(file.path());
            if (!Files.isRegularFile(target)) {
                hub.download(repo, snapshot.commit(), file, target);
                progress.printf(Locale.ROOT, "  %-40s %10s%n", file.path(), humanBytes(Files.size(target)));
            }
            if (file.path().equals("config.json")) {
                try {
                    ModelImport.architectureOf(target); // refuses before the weights are fetched
                } catch (IllegalArgumentException e) {
                    Checkpoints.deleteRecursively(folder);
                    throw new IllegalArgumentException(repo + ": " + e.getMessage());
                }
            }
        }
        return new Pulled(folder, repo, snapshot.commit(), total);
    }

    /** The listing must hold a config, a tokenizer and safetensors weights, or nothing is fetched. */
    private static void requireRunnable(String repo, List<HubClient.RemoteFile> files) {
        Set<String> names = files.stream().map(HubClient.RemoteFile::path).collect(Collectors.toSet());
        for (String needed : List.of("config.json", "tokenizer.json")) {
            if (!names.contains(needed)) {
                throw new IllegalArgumentException(repo + " has no " + needed + " (not a model in Hugging Face "
                        + "transformers layout with a fast tokenizer)");
            }
        }
        if (names.stream().noneMatch(n -> n.endsWith(".safetensors"))) {
            throw new IllegalArgumentException(repo + " has no safetensors weights (only PyTorch .bin files or "
                    + "other formats); this product loads safetensors only");
        }
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
