package org.instructforge.training;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the committed default model, {@code models/base}, from wherever the tests run (repo root or module). */
public final class BaseModel {

    private BaseModel() {}

    public static Path dir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("models/base");
            if (Files.isRegularFile(candidate.resolve("config.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "models/base not found above " + Path.of("").toAbsolutePath()
                        + ": it is committed at the repository root (./forge pretrain --threads 1 recreates it)");
    }
}
