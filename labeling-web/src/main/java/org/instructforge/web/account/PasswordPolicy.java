package org.instructforge.web.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What a password must be, as NIST SP 800-63B (section 5.1.1.2) puts it: at least 12 characters, up to 128 (the
 * guideline asks to allow at least 64), any characters including spaces, not on a list of commonly used or
 * breached passwords, not the account's own name, and no composition rules (no "one digit and one symbol"): such
 * rules push people to {@code Password1!}, which every guessing list tries first.
 *
 * <p>The list ships with the project ({@code common-passwords.txt}, compared case-insensitively), so nothing is
 * fetched at run time.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    private final Set<String> common;

    PasswordPolicy() {
        common = load();
    }

    /**
     * @return the messages.properties code of the first rule the password breaks, or null when it is acceptable
     */
    public String problem(String password, String username) {
        if (password == null || password.isEmpty()) {
            return "password.required";
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return "password.short";
        }
        if (length > MAX_LENGTH) {
            return "password.long";
        }
        if (password.indexOf('\0') >= 0) {
            return "password.control";
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower)) {
            return "password.common";
        }
        if (username != null && lower.contains(username.toLowerCase(Locale.ROOT))) {
            return "password.username";
        }
        return null;
    }

    int commonPasswords() {
        return common.size();
    }

    private static Set<String> load() {
        Set<String> words = new HashSet<>();
        try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) {
                throw new IllegalStateException("common-passwords.txt is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    words.add(line.strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
