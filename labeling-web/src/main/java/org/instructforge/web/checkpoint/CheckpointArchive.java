package org.instructforge.web.checkpoint;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.instructforge.shared.checkpoint.CheckpointManifest;
import org.instructforge.shared.checkpoint.CheckpointStoreProperties;
import org.instructforge.shared.checkpoint.S3CheckpointObjects;
import org.instructforge.shared.checkpoint.S3Location;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * A checkpoint's Hugging Face directory as a zip, written straight into the response (no temporary file, nothing
 * held in memory: weights are large), wherever the training service stored it: a folder on the shared volume, or an
 * object store ({@code s3://...}, read through shared-model's {@link S3CheckpointObjects} with a client made from the
 * same {@code INSTRUCTFORGE_S3_*} settings the workers use). Either way the zip holds the files directly in the
 * directory and in its immediate subfolders. From a folder, only regular files go in and a symbolic link whose target
 * lies outside the directory is refused, so a download never reveals other files of the server; from an object
 * store, only the files the checkpoint's {@code SHA256SUMS} names (and that manifest), never whatever else lies under
 * its prefix.
 */
@Component
@EnableConfigurationProperties(CheckpointStoreProperties.class)
class CheckpointArchive {

    /** One file of the zip: its name inside the zip and how to read it. */
    record Entry(String name, Source source) {}

    /** Opens one file's bytes when the zip reaches it. */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;
    }

    private final CheckpointStoreProperties settings;
    /** Made on the first download from an object store: a server whose checkpoints are all folders needs none. */
    private S3CheckpointObjects objects;

    CheckpointArchive(CheckpointStoreProperties settings) {
        this.settings = settings;
    }

    /**
     * The files to send, checked before anything is written so a problem still answers with a clear error
     * instead of a truncated zip.
     */
    List<Entry> entries(Checkpoint checkpoint) {
        if (S3Location.isObjectStore(checkpoint.storagePath())) {
            return objectEntries(checkpoint);
        }
        Path directory = Path.of(checkpoint.storagePath());
        if (!Files.isDirectory(directory)) {
            throw new ResponseStatusException(
                    HttpStatus.NOT_FOUND,
                    "The files of checkpoint '" + checkpoint.name() + "' are gone: no directory at " + directory);
        }
        try {
            Path root = directory.toRealPath();
            List<Entry> entries = new ArrayList<>();
            for (Path child : sorted(root)) {
                Path target = inside(root, child, checkpoint);
                if (Files.isRegularFile(target)) {
                    entries.add(new Entry(child.getFileName().toString(), () -> Files.newInputStream(target)));
                } else if (Files.isDirectory(target)) {
                    for (Path grandchild : sorted(target)) {
                        Path file = inside(root, grandchild, checkpoint);
                        if (Files.isRegularFile(file)) {
                            entries.add(new Entry(
                                    child.getFileName() + "/" + grandchild.getFileName(),
                                    () -> Files.newInputStream(file)));
                        }
                    }
                }
            }
            return entries;
        } catch (IOException e) {
            throw unreadable(checkpoint, e);
        }
    }

    /**
     * The files its manifest names, to the same depth as a folder's, each looked up (HEAD) before the zip starts so
     * that a missing one is a 404 rather than a broken download.
     */
    private List<Entry> objectEntries(Checkpoint checkpoint) {
        S3Location at = S3Location.parse(checkpoint.storagePath());
        S3CheckpointObjects store = objects();
        try {
            List<String> names = new ArrayList<>();
            names.add(CheckpointManifest.FILE);
            for (String name : S3CheckpointObjects.files(store.manifest(at)).keySet()) {
                if (name.indexOf('/') == name.lastIndexOf('/')) { // at most one folder deep, as from a folder
                    names.add(name);
                }
            }
            List<Entry> entries = new ArrayList<>();
            for (String name : names.stream().sorted().toList()) {
                store.size(at, name);
                entries.add(new Entry(name, () -> store.open(at, name)));
            }
            return entries;
        } catch (NoSuchFileException e) {
            throw gone(checkpoint, e);
        } catch (IOException e) {
            throw unreadable(checkpoint, e);
        }
    }

    private static ResponseStatusException gone(Checkpoint checkpoint, IOException e) {
        return new ResponseStatusException(
                HttpStatus.NOT_FOUND,
                "The files of checkpoint '" + checkpoint.name() + "' are gone: " + e.getMessage(),
                e);
    }

    private static ResponseStatusException unreadable(Checkpoint checkpoint, IOException e) {
        return new ResponseStatusException(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Could not read the files of checkpoint '" + checkpoint.name() + "': " + e.getMessage(),
                e);
    }

    void write(List<Entry> entries, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        // Weights barely compress; the fastest level keeps the download at disk speed.
        zip.setLevel(Deflater.BEST_SPEED);
        for (Entry entry : entries) {
            zip.putNextEntry(new ZipEntry(entry.name()));
            try (InputStream in = entry.source().open()) {
                in.transferTo(zip);
            }
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    private synchronized S3CheckpointObjects objects() {
        if (objects == null) {
            objects = new S3CheckpointObjects(settings.client());
        }
        return objects;
    }

    @PreDestroy
    synchronized void close() {
        if (objects != null) {
            objects.close();
        }
    }

    /** Where an entry really lives; refused when a link leads out of the checkpoint's directory. */
    private static Path inside(Path root, Path entry, Checkpoint checkpoint) throws IOException {
        if (!Files.isSymbolicLink(entry)) {
            return entry;
        }
        Path target;
        try {
            target = entry.toRealPath();
        } catch (NoSuchFileException e) {
            return entry; // a dangling link: not a regular file, so nothing is sent
        }
        if (!target.startsWith(root)) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "Checkpoint '" + checkpoint.name() + "' holds a link leaving its directory ("
                            + root.relativize(entry) + "); refusing to send it");
        }
        return target;
    }

    private static List<Path> sorted(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.sorted().toList();
        }
    }
}
