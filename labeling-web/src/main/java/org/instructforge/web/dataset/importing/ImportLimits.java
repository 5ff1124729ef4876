package org.instructforge.web.dataset.importing;

/**
 * Size limits for one import; a line or record over a limit is reported as a bad line, never truncated.
 *
 * @param maxPromptChars the longest prompt, in characters (Unicode code points, as Postgres counts them); for a
 *     chat-style line this is the rendered conversation. Default 20,000 (about 5,000 tokens of English).
 *     InstructGPT dropped prompts over 1,000 tokens (Ouyang et al. 2022, appendix A); we keep a generous limit
 *     because the importer has no tokenizer and a dataset may serve a model with a longer context, and leave
 *     token-level filtering to the training service. The limit exists to catch mistakes (a whole document pasted
 *     into one cell, a concatenated file) before they reach labelers.
 * @param maxLineBytes the longest line (JSONL) or record (CSV, which may span lines), in bytes of UTF-8 without
 *     the line ending. Default 1 MiB: comfortably above a maximal prompt plus metadata (20,000 code points are at
 *     most 80,000 bytes), and the most the parser ever holds in memory for one line. A longer line is skipped
 *     without being buffered whole.
 * @param maxMetadataChars the longest {@code metadata} object, in characters of compact JSON. Default 10,000:
 *     metadata is for provenance (batch, source URL, original id), not for payloads.
 */
public record ImportLimits(int maxPromptChars, int maxLineBytes, int maxMetadataChars) {

    public static final int DEFAULT_MAX_PROMPT_CHARS = 20_000;
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_METADATA_CHARS = 10_000;

    /** The limits of {@code prompt.source_user_id VARCHAR(200)}: not configurable, the column decides. */
    public static final int MAX_USER_ID_CHARS = 200;

    static final int MAX_LINE_BYTES_CEILING = 64 << 20;

    public ImportLimits {
        if (maxPromptChars < 1 || maxLineBytes < 1 || maxMetadataChars < 2) {
            throw new IllegalArgumentException("limits must be positive (metadata at least 2, for \"{}\")");
        }
        if (maxLineBytes > MAX_LINE_BYTES_CEILING) {
            // A line is held in memory whole (twice: bytes and chars); larger lines belong in another tool.
            throw new IllegalArgumentException("maxLineBytes is at most " + MAX_LINE_BYTES_CEILING);
        }
    }

    public static ImportLimits defaults() {
        return new ImportLimits(DEFAULT_MAX_PROMPT_CHARS, DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_METADATA_CHARS);
    }
}
