package org.instructforge.training.crowd;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.training.api.LabelingApi;
import org.instructforge.training.corpus.Behaviour;
import org.instructforge.training.corpus.Task;
import org.instructforge.training.simulation.SimulatedLabeler;
import tools.jackson.databind.JsonNode;

/**
 * A simulated crowd that labels a running labeling-web through its public API only: an admin account creates N
 * labeler accounts (each chooses its password on its invitation link), then N {@link SimulatedLabeler}s at a chosen
 * agreement take tasks as people do: write demonstrations, rank candidates (with Likert scores and the InstructGPT
 * metadata flags from the task's own checks) and judge comparisons, with think times, until the queue has nothing
 * left for any of them or the time limit. Prompts that are not of the demo world (no judge for them) are skipped
 * with a reason, as a person skips what they cannot label.
 */
public final class Crowd {

    /** The task kinds, in the order a labeler looks for work (as the queue page lists them). */
    static final List<String> KINDS = List.of("DEMONSTRATION", "RANKING", "COMPARISON");

    /**
     * @param url labeling-web's address, e.g. {@code http://localhost:8080}
     * @param adminUser an admin account that may create people
     * @param labelers how many simulated labelers (and accounts)
     * @param agreement share of the pairs they order on which two of them agree (InstructGPT: 72.6 %)
     * @param slipRate share of demonstrations that slip from the ideal answer (the experiment's imperfect demonstrators)
     * @param thinkTime pause between seeing a task and answering it (each labeler draws 50-150 % of it)
     * @param timeLimit the crowd stops taking tasks after this long
     * @param worldPrompts the count {@code forge world prompts} wrote: the crowd regenerates those tasks to judge
     * @param worldSeed the seed it wrote them with
     * @param accountPrefix usernames are {@code PREFIX-1..N} with a per-run suffix, so crowds never collide
     */
    public record Settings(
            URI url,
            String adminUser,
            String adminPassword,
            int labelers,
            double agreement,
            double slipRate,
            Duration thinkTime,
            Duration timeLimit,
            int worldPrompts,
            long worldSeed,
            String accountPrefix) {

        public Settings {
            if (labelers < 1 || labelers > 500) {
                throw new IllegalArgumentException("--labelers must be between 1 and 500, not " + labelers);
            }
            if (!(agreement > 0.5 && agreement <= 1)) {
                throw new IllegalArgumentException("--agreement must be above 0.5 and at most 1, not " + agreement);
            }
            if (!(slipRate >= 0 && slipRate <= 1)) {
                throw new IllegalArgumentException("--slip-rate must be within [0, 1], not " + slipRate);
            }
            if (thinkTime.isNegative() || timeLimit.isNegative() || timeLimit.isZero()) {
                throw new IllegalArgumentException("think time must be >= 0 and the time limit positive");
            }
            if (!accountPrefix.matches("[a-z0-9][a-z0-9._-]{0,40}")) {
                throw new IllegalArgumentException(
                        "--prefix: lower-case letters, digits, '.', '_' and '-' (at most 41), not '" + accountPrefix
                                + "'");
            }
        }
    }

    /**
     * What the crowd did.
     *
     * @param labels labels submitted per task kind
     * @param perLabeler labels submitted per account
     * @param skipped tasks skipped because their prompt is not of the demo world
     * @param errors per kind of failure (the request and HTTP status), how often
     * @param stoppedBy why it stopped: the queue was empty, or the time limit
     */
    public record Summary(
            Map<String, Long> labels,
            Map<String, Long> perLabeler,
            long skipped,
            Map<String, Long> errors,
            Duration elapsed,
            String stoppedBy,
            double noise) {

        public long total() {
            return labels.values().stream().mapToLong(Long::longValue).sum();
        }

        public double tasksPerSecond() {
            double seconds = elapsed.toMillis() / 1000.0;
            return seconds == 0 ? 0 : total() / seconds;
        }

        public void print(PrintStream out) {
            out.printf(
                    Locale.ROOT,
                    "crowd: %d labels in %.1f s (%.2f tasks/s), stopped: %s%n",
                    total(),
                    elapsed.toMillis() / 1000.0,
                    tasksPerSecond(),
                    stoppedBy);
            labels.forEach((kind, n) -> out.printf(Locale.ROOT, "  %-14s %d%n", kind.toLowerCase(Locale.ROOT), n));
            out.printf(Locale.ROOT, "  skipped (not of the demo world): %d%n", skipped);
            out.println("per labeler:");
            perLabeler.forEach((name, n) -> out.printf(Locale.ROOT, "  %-30s %d%n", name, n));
            out.println(errors.isEmpty() ? "errors: none" : "errors:");
            errors.forEach((what, n) -> out.printf(Locale.ROOT, "  %4d x %s%n", n, what));
        }
    }

    private final Settings settings;
    private final Map<String, Task> world;
    private final PrintStream log;
    private final ConcurrentMap<String, AtomicLong> labels = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> perLabeler = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();

    /** @param worldTasks the tasks behind the demo world's prompts ({@code World.tasks} with the file's count and seed) */
    public Crowd(Settings settings, List<Task> worldTasks, PrintStream log) {
        this.settings = settings;
        Map<String, Task> byPrompt = new HashMap<>();
        worldTasks.forEach(t -> byPrompt.put(t.prompt(), t));
        this.world = Map.copyOf(byPrompt);
        this.log = log;
    }

    /**
     * Creates the accounts, then labels until the queue is empty for everyone or the time limit.
     *
     * @throws IOException when the accounts cannot be made (wrong admin credentials, labeling-web not running)
     */
    public Summary run() throws IOException, InterruptedException {
        double noise = noiseFor(settings.agreement(), List.copyOf(world.values()), settings.worldSeed());
        log.printf(
                Locale.ROOT,
                "crowd: %d labelers at %.1f %% agreement (judgement noise %.3f), %d world prompts%n",
                settings.labelers(),
                100 * settings.agreement(),
                noise,
                world.size());
        List<Account> accounts = createAccounts();
        long started = System.nanoTime();
        long deadline = started + settings.timeLimit().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(accounts.size());
        List<Future<Boolean>> done = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            Account a = accounts.get(i);
            SimulatedLabeler labeler =
                    new SimulatedLabeler(a.username(), noise, settings.slipRate(), settings.worldSeed() + 101 + i);
            Random thinking = new Random(settings.worldSeed() + 7 + i);
            done.add(pool.submit(() -> label(a, labeler, thinking, deadline)));
        }
        pool.shutdown();
        boolean allEmpty = true;
        for (Future<Boolean> f : done) {
            try {
                allEmpty &= f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                allEmpty = false;
                count(errors, "labeler stopped: " + e.getCause());
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Map<String, Long> byKind = new LinkedHashMap<>();
        KINDS.forEach(
                k -> byKind.put(k, labels.getOrDefault(k, new AtomicLong()).get()));
        Map<String, Long> byLabeler = new LinkedHashMap<>();
        accounts.forEach(a -> byLabeler.put(
                a.username(),
                perLabeler.getOrDefault(a.username(), new AtomicLong()).get()));
        return new Summary(
                byKind,
                byLabeler,
                skipped.get(),
                snapshot(errors),
                elapsed,
                allEmpty ? "queue empty" : "time limit",
                noise);
    }

    private record Account(String username, LabelingClient client) {}

    /** N new labeler accounts, each with a password it chose on its invitation link. */
    private List<Account> createAccounts() throws IOException, InterruptedException {
        LabelingClient admin = new LabelingClient(settings.url(), settings.adminUser(), settings.adminPassword());
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        SecureRandom random = new SecureRandom();
        List<Account> accounts = new ArrayList<>();
        for (int i = 1; i <= settings.labelers(); i++) {
            String username = settings.accountPrefix() + "-" + run + "-" + i;
            String invitation = admin.createLabeler(username, "Simulated labeler " + i + " (" + run + ")");
            String password = Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "-Crowd-"
                    + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            LabelingClient.choosePassword(URI.create(invitation), password);
            accounts.add(new Account(username, new LabelingClient(settings.url(), username, password)));
        }
        log.printf(
                "crowd: created %d labeler accounts (%s-%s-1..%d)%n",
                accounts.size(), settings.accountPrefix(), run, accounts.size());
        return accounts;
    }

    /** One labeler's session; answers whether it ended because nothing was left for it. */
    private boolean label(Account account, SimulatedLabeler labeler, Random rng, long deadline)
            throws InterruptedException {
        while (System.nanoTime() < deadline) {
            boolean worked = false;
            for (String kind : KINDS) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                try {
                    Optional<JsonNode> task = account.client().next(kind);
                    if (task.isPresent()) {
                        worked = true;
                        think(rng, deadline);
                        answer(account, labeler, kind, task.get());
                    }
                } catch (LabelingApi.ApiException e) {
                    count(errors, e.getMessage().replaceFirst(": .*", ""));
                    if (e.status() == 429) {
                        Thread.sleep(1_000); // the claim rate limit: slow down as a person would
                    }
                    worked = true; // try again: a 409 for a lease that expired while thinking is not the end
                } catch (IOException e) {
                    count(errors, "I/O: " + e.getClass().getSimpleName());
                    Thread.sleep(500);
                    worked = true;
                }
            }
            if (!worked) {
                return true;
            }
        }
        return false;
    }

    private void answer(Account account, SimulatedLabeler labeler, String kind, JsonNode task)
            throws IOException, InterruptedException {
        long lease = task.path("leaseId").asLong();
        Task known = world.get(task.path("prompt").path("text").asString());
        if (known == null) {
            account.client().skip(lease, "Not a prompt of the demo world: this simulated labeler cannot judge it");
            skipped.incrementAndGet();
            return;
        }
        switch (kind) {
            case "DEMONSTRATION" -> account.client().demonstrate(lease, labeler.demonstrate(known));
            case "RANKING" -> account.client().rank(lease, ranking(labeler, known, task.path("candidates")));
            case "COMPARISON" -> account.client().judge(lease, judgement(labeler, known, task.path("comparison")));
            default -> throw new IllegalStateException(kind);
        }
        count(labels, kind);
        count(perLabeler, account.username());
    }

    /** The ranking API's body: ranks (ties for equal quality), a Likert score and the metadata flags per candidate. */
    static Map<String, Object> ranking(SimulatedLabeler labeler, Task task, JsonNode candidates) {
        List<Long> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        candidates.forEach(c -> {
            ids.add(c.path("id").asLong());
            texts.add(c.path("text").asString());
        });
        RankedCandidates ranked = labeler.rank(task, texts);
        Map<String, Integer> ranks = new TreeMap<>();
        Map<String, Integer> likert = new TreeMap<>();
        Map<String, List<String>> flags = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = Long.toString(ids.get(i));
            ranks.put(id, ranked.rankOf(i));
            likert.put(id, likert(task, texts.get(i)));
            List<String> set = metadataFlags(task, texts.get(i));
            if (!set.isEmpty()) {
                flags.put(id, set);
            }
        }
        return Map.of("ranks", ranks, "likert", likert, "flags", flags);
    }

    /** The comparison API's body: the preferred side (equal quality: a tie if good, both bad if not) and scores. */
    static Map<String, Object> judgement(SimulatedLabeler labeler, Task task, JsonNode comparison) {
        String left = comparison.path("left").path("text").asString();
        String right = comparison.path("right").path("text").asString();
        int preferred = labeler.prefer(task, left, right);
        String verdict = preferred > 0
                ? "LEFT"
                : preferred < 0 ? "RIGHT" : SimulatedLabeler.quality(task, left) >= 0.5 ? "TIE" : "BOTH_BAD";
        return Map.of("preferred", verdict, "likertLeft", likert(task, left), "likertRight", likert(task, right));
    }

    /** A 1-7 score from the noiseless quality: harm and garbage 1, the ideal answer 7. */
    static int likert(Task task, String answer) {
        double q = Math.max(0, Math.min(1, SimulatedLabeler.quality(task, answer)));
        return 1 + (int) Math.round(6 * q);
    }

    /**
     * The product's metadata flags (InstructGPT's Table 3) a careful labeler sets from the task's own checks; a
     * constrained prompt's answer that follows the constraint is marked as satisfying it.
     */
    static List<String> metadataFlags(Task task, String answer) {
        Set<SimulatedLabeler.Flag> flags = SimulatedLabeler.flags(task, answer);
        List<String> out = new ArrayList<>();
        if (flags.contains(SimulatedLabeler.Flag.FAILS_CONSTRAINT)) {
            out.add("FAILS_INSTRUCTION");
        } else if (task.constrained() && !answer.isBlank() && task.constraint().test(answer)) {
            out.add("SATISFIES_CONSTRAINT");
        }
        if (flags.contains(SimulatedLabeler.Flag.HALLUCINATION)) {
            out.add("HALLUCINATION");
        }
        if (flags.contains(SimulatedLabeler.Flag.INAPPROPRIATE_FOR_CUSTOMER)) {
            out.add("INAPPROPRIATE_FOR_CUSTOMER");
        }
        if (flags.contains(SimulatedLabeler.Flag.HARMFUL_ADVICE)) {
            out.add("HARMFUL_ADVICE");
        }
        return out;
    }

    /**
     * The judgement noise at which two labelers agree on {@code agreement} of the pairs they order, calibrated on the
     * world's own answers: each task's ideal answer, its plausible mistakes, the ideal answer padded and an abstention.
     */
    static double noiseFor(double agreement, List<Task> tasks, long seed) {
        Random rng = new Random(seed);
        List<List<String>> answers = new ArrayList<>();
        List<Task> sample = tasks.subList(0, Math.min(400, tasks.size()));
        for (Task t : sample) {
            List<String> a = new ArrayList<>();
            a.add(t.reference());
            a.addAll(t.mistakes());
            a.add(Behaviour.pad(t.reference(), rng));
            a.add(Behaviour.ABSTENTIONS.get(1));
            answers.add(a);
        }
        return SimulatedLabeler.calibrate(agreement, sample, answers, seed);
    }

    private void think(Random rng, long deadline) throws InterruptedException {
        long millis = (long) (settings.thinkTime().toMillis() * (0.5 + rng.nextDouble()));
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (millis > 0) {
            Thread.sleep(Math.max(0, Math.min(millis, left)));
        }
    }

    private static void count(ConcurrentMap<String, AtomicLong> counts, String key) {
        counts.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static Map<String, Long> snapshot(ConcurrentMap<String, AtomicLong> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
