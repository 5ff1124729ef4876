package org.instructforge.shared.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded PostgreSQL's password: generated on the first start and kept beside the cluster in the data folder
 * ({@code data/postgres.password} for {@code data/postgres}), readable by its owner only (0600), where both services
 * read it. Anyone who can read the data folder can read the cluster's files anyway; the password keeps out
 * everyone else on the machine, who could connect to a loopback port that trusts every local user.
 */
final class DatabasePassword {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DatabasePassword() {}

    /** Where the password of the cluster in {@code dataDir} is kept. */
    static Path fileFor(Path dataDir) {
        Path cluster = dataDir.toAbsolutePath().normalize();
        return cluster.resolveSibling(cluster.getFileName() + ".password");
    }

    /** The kept password, if there is one. */
    static Optional<String> read(Path file) {
        try {
            return Files.exists(file)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the database password in " + file, e);
        }
    }

    /**
     * The kept password, or a new random one (32 characters, about 185 bits) written to a file created owner-only,
     * so it is never readable by others, not even for a moment.
     */
    static String readOrCreate(Path file) {
        Optional<String> kept = read(file);
        if (kept.isPresent()) {
            return kept.get();
        }
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
            return password.toString();
        } catch (FileAlreadyExistsException e) {
            return read(file).orElseThrow(); // the other service wrote it first
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the database password to " + file, e);
        }
    }
}
