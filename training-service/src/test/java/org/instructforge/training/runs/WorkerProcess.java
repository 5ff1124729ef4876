package org.instructforge.training.runs;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.instructforge.training.BaseModel;
import org.instructforge.training.TrainingServiceApplication;

/**
 * A training-service worker as a separate process on the test's database, started from this build's classes (the
 * module's jar is packaged only after its tests), and treated as a host treats one: killed without a last word,
 * paused and resumed with signals. Its console goes to {@code log}, which failure messages quote.
 */
final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts worker {@code workerId} polling the queue every 200 ms and heartbeating every 500 ms; {@code properties}
     * ({@code --name=value}) are added last and so win.
     */
    static WorkerProcess start(
            HikariDataSource dataSource, String workerId, Path checkpointRoot, Path log, String... properties)
            throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                TrainingServiceApplication.class.getName(),
                "--server.port=0",
                "--spring.datasource.url=" + dataSource.getJdbcUrl(),
                "--spring.datasource.username=" + dataSource.getUsername(),
                "--spring.datasource.password=" + (dataSource.getPassword() == null ? "" : dataSource.getPassword()),
                "--instructforge.runs.worker-enabled=true",
                "--instructforge.runs.worker-id=" + workerId,
                "--instructforge.runs.poll-interval=200ms",
                "--instructforge.runs.heartbeat-interval=500ms",
                "--instructforge.runs.checkpoint-root=" + checkpointRoot,
                "--instructforge.runs.base-model=" + BaseModel.dir()));
        command.addAll(List.of(properties));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new WorkerProcess(process, log);
    }

    /** SIGKILL: no shutdown hook, no last write. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stands still mid-whatever (a frozen VM, a long GC pause, a host cut off). */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: it goes on where it stood, unaware that time has passed. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** The end of the shared console log. */
    String tail() {
        return tail(log);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Polls until done; past the limit, fails with why (the run's and the worker's logs at that moment). */
    static void await(Duration limit, Callable<Boolean> done, Supplier<String> why) {
        try {
            Awaitility.await()
                    .atMost(limit)
                    .pollInterval(Duration.ofMillis(100))
                    .until(done);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(why.get(), e);
        }
    }

    /** A graceful stop (SIGTERM), as a deployment stops it: its run goes back to the queue. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            resume(); // a paused process would hold the SIGTERM until it went on
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
