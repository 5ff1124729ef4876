package org.instructforge.web.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * A checkpoint's Hugging Face directory as a zip, written straight into the response (no temporary file: weights
 * are large). Only regular files directly in the directory and in its immediate subfolders go in; a symbolic link
 * whose target lies outside the directory is refused, so a download never reveals other files of the server.
 */
@Component
class CheckpointArchive {

    /** One file of the zip: its name inside the zip and where it is read from. */
    record Entry(String name, Path file) {}

    /**
     * The files to send, checked before anything is written so a problem still answers with a clear error
     * instead of a truncated zip.
     */
    List<Entry> entries(Checkpoint checkpoint) {
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
                    entries.add(new Entry(child.getFileName().toString(), target));
                } else if (Files.isDirectory(target)) {
                    for (Path grandchild : sorted(target)) {
                        Path file = inside(root, grandchild, checkpoint);
                        if (Files.isRegularFile(file)) {
                            entries.add(new Entry(child.getFileName() + "/" + grandchild.getFileName(), file));
                        }
                    }
                }
            }
            return entries;
        } catch (IOException e) {
            throw new ResponseStatusException(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "Could not read the files of checkpoint '" + checkpoint.name() + "': " + e.getMessage(),
                    e);
        }
    }

    void write(List<Entry> entries, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        // Weights barely compress; the fastest level keeps the download at disk speed.
        zip.setLevel(Deflater.BEST_SPEED);
        for (Entry entry : entries) {
            zip.putNextEntry(new ZipEntry(entry.name()));
            Files.copy(entry.file(), zip);
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /** Where an entry really lives; refused when a link leads out of the checkpoint's directory. */
    private static Path inside(Path root, Path entry, Checkpoint checkpoint) throws IOException {
        if (!Files.isSymbolicLink(entry)) {
            return entry;
        }
        Path target;
        try {
            target = entry.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
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
