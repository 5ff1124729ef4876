package org.instructforge.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The two hashes that identify a prompt: its exact content (re-importing the same prompt adds nothing)
 * and its dedup key, the normalised leading characters (InstructGPT deduplicates prompts that share a
 * long common prefix).
 */
public final class PromptFingerprint {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private PromptFingerprint() {}

    public static String contentHash(String text) {
        return sha256(text);
    }

    /** Hash of the first {@code prefixChars} characters after lower-casing and folding whitespace. */
    public static String dedupKey(String text, int prefixChars) {
        String normalised = normalise(text);
        return sha256(normalised.substring(0, Math.min(prefixChars, normalised.length())));
    }

    static String normalise(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
