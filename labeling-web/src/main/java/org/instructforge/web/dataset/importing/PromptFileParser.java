package org.instructforge.web.dataset.importing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an import file as a stream of {@link LineResult}s, one per line (JSONL) or record (CSV), in file order.
 * Memory stays constant whatever the file's size: the parser holds one line (at most
 * {@link ImportLimits#maxLineBytes()}) plus a 64 KiB read buffer, and reads the stream only as results are asked
 * for.
 *
 * <pre>{@code
 * try (var parser = PromptFileParser.open(upload, ImportFormat.JSONL, ImportLimits.defaults())) {
 *     parser.forEachRemaining(result -> {
 *         switch (result) {
 *             case LineResult.Parsed parsed -> batch.add(parsed.prompt());
 *             case LineResult.Bad bad -> report.add(bad.message());
 *         }
 *         progress.update(parser.bytesRead()); // of the upload's total size
 *     });
 * }
 * }</pre>
 *
 * Deciding what a bad line means (reject the import, or skip the line) is the caller's: the parser reports every
 * line and goes on. Reading is not thread-safe. An {@link IOException} of the stream surfaces as
 * {@link UncheckedIOException}: it is a failed upload, not a bad line.
 */
public abstract sealed class PromptFileParser implements Iterator<LineResult>, AutoCloseable
        permits JsonlPromptParser, CsvPromptParser {

    /**
     * Own mapper, not the application's: parsing must reject duplicate keys (which value would win is a guess)
     * and anything after the object on a line, whatever the application's JSON settings are.
     */
    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    final LineReader lines;
    final ImportLimits limits;
    final PromptValidator validator;
    private LineResult next;
    private boolean finished;

    PromptFileParser(InputStream in, ImportLimits limits) {
        this.lines = new LineReader(in, limits.maxLineBytes());
        this.limits = limits;
        this.validator = new PromptValidator(limits, JSON);
    }

    /** The stream is closed with the parser. */
    public static PromptFileParser open(InputStream in, ImportFormat format, ImportLimits limits) {
        return switch (format) {
            case JSONL -> new JsonlPromptParser(in, limits);
            case CSV -> new CsvPromptParser(in, limits);
        };
    }

    /**
     * Bytes of the stream taken up by the results returned so far (BOM and line endings included), for a progress
     * bar against the upload's size; it reaches the size once the last result has been returned.
     */
    public long bytesRead() {
        return lines.bytesConsumed();
    }

    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            try {
                next = readNext();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finished = next == null;
        }
        return next != null;
    }

    @Override
    public LineResult next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LineResult result = next;
        next = null;
        return result;
    }

    @Override
    public void close() {
        try {
            lines.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the next result, or null when the file has no more */
    abstract LineResult readNext() throws IOException;
}
