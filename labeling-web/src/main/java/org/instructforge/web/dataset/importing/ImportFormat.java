package org.instructforge.web.dataset.importing;

import java.util.Locale;
import java.util.Optional;

/** The file formats an admin can import prompts from; the names match {@code prompt_import.format}. */
public enum ImportFormat {
    /**
     * One JSON object per line: {@code {"prompt", "user_id", "category", "source", "metadata"}}, or chat-style
     * {@code {"messages", "user_id", ...}}.
     */
    JSONL,
    /** RFC 4180 CSV with a header row; a {@code prompt} column is required. */
    CSV;

    /**
     * Guesses the format of an upload. The file name wins over the content type, because browsers send
     * {@code application/octet-stream} for {@code .jsonl} files; the content type is what API clients send.
     * A plain {@code .json} file is not taken for JSONL: it is usually one JSON array, which would fail on every
     * line with a confusing error, so the caller should ask the admin for the format instead.
     *
     * @param fileName the uploaded file's name, or null
     * @param contentType the request's or part's content type, parameters allowed ({@code text/csv; charset=utf-8}),
     *     or null
     * @return the format, or empty when neither says
     */
    public static Optional<ImportFormat> detect(String fileName, String contentType) {
        Optional<ImportFormat> byName = fromFileName(fileName);
        return byName.isPresent() ? byName : fromContentType(contentType);
    }

    static Optional<ImportFormat> fromFileName(String fileName) {
        if (fileName == null) {
            return Optional.empty();
        }
        String name = fileName.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".jsonlines")) {
            return Optional.of(JSONL);
        }
        if (name.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        return Optional.empty();
    }

    static Optional<ImportFormat> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters))
                .strip()
                .toLowerCase(Locale.ROOT);
        return switch (type) {
            // No registered type exists for JSON Lines; these are the ones tools actually send.
            case "application/jsonl",
                    "application/x-jsonl",
                    "application/jsonlines",
                    "application/x-jsonlines",
                    "application/ndjson",
                    "application/x-ndjson" -> Optional.of(JSONL);
            case "text/csv", "application/csv", "text/comma-separated-values" -> Optional.of(CSV);
            default -> Optional.empty();
        };
    }
}
