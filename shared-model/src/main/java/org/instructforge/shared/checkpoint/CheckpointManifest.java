package org.instructforge.shared.checkpoint;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sealed checkpoint's {@code SHA256SUMS}: {@code sha256sum}-compatible lines naming every file of the folder with
 * its SHA-256. The training service writes it; both services read it, since in an object store it is the only list
 * of a checkpoint's files that can be trusted (a listing also shows leftovers and a store's folder markers).
 */
public final class CheckpointManifest {

    public static final String FILE = "SHA256SUMS";

    private CheckpointManifest() {}

    /**
     * The lines of a {@code SHA256SUMS} file as relative file name to hex SHA-256, in file order. A name that could
     * leave the folder (absolute, or with {@code ..}) is refused: a manifest read from an object store decides where
     * its files are downloaded to.
     */
    public static Map<String, String> parse(List<String> lines) throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (line.length() < 67 || !line.substring(0, 64).matches("[0-9a-f]{64}") || line.charAt(64) != ' ') {
                throw new IOException("Not a " + FILE + " line: " + line);
            }
            String name = line.substring(66);
            if (name.startsWith("/") || List.of(name.split("/")).contains("..")) {
                throw new IOException(FILE + " names a file outside its folder: " + name);
            }
            sums.put(name, line.substring(0, 64));
        }
        return sums;
    }
}
