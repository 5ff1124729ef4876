package org.instructforge.web.dataset.importing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Spools an upload to a local temporary file, so the import can stream it after the request ends. */
final class UploadedFiles {

    /** An upload larger than the configured limit. */
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE)
    static final class FileTooLargeException extends RuntimeException {
        FileTooLargeException(long maxBytes) {
            super("The file is larger than the import limit of " + maxBytes / (1024 * 1024) + " MiB");
        }
    }

    /** Why an empty upload is refused, on the page and the API alike: it holds no prompt to import. */
    static final String EMPTY_FILE = "The file is empty: choose a non-empty .jsonl or .csv file to import.";

    /** An upload with no bytes at all. */
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.BAD_REQUEST)
    static final class EmptyFileException extends RuntimeException {
        EmptyFileException() {
            super(EMPTY_FILE);
        }
    }

    private UploadedFiles() {}

    /**
     * @throws FileTooLargeException past {@code maxBytes}: the disk is not filled by one request
     * @throws EmptyFileException when there is nothing in it (an import of it would "succeed" with no prompt)
     */
    static Path spool(InputStream in, long maxBytes) throws IOException {
        Path file = Files.createTempFile("instructforge-import-", ".upload");
        try (in;
                var out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new FileTooLargeException(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            if (total == 0) {
                throw new EmptyFileException();
            }
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The name shown in the import log: the client's file name without any path, at most 300 characters. */
    static String displayName(String original, String fallback) {
        if (original == null || original.isBlank()) {
            return fallback;
        }
        String name = original.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).strip();
        return name.length() <= 300 ? name : name.substring(0, 300);
    }
}
