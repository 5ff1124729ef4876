package org.instructforge.web.dataset.importing;

/** What the parser made of one line (JSONL) or one record (CSV): a prompt or the reason it was rejected. */
public sealed interface LineResult {

    /** The 1-based line in the file; for a CSV record that spans lines, the line where it starts. */
    long lineNumber();

    record Parsed(long lineNumber, ImportedPrompt prompt) implements LineResult {}

    /** @param reason what is wrong, for the admin, without the line number (e.g. {@code missing "user_id"}) */
    record Bad(long lineNumber, String reason) implements LineResult {

        /** The reason as shown in the import report: {@code line 7: missing "user_id"}. */
        public String message() {
            return "line " + lineNumber + ": " + reason;
        }
    }
}
