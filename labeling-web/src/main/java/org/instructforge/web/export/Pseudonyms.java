package org.instructforge.web.export;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Replaces labeler ids with pseudonyms in exports: an HMAC of the id under a key generated once per
 * installation, so a labeler keeps the same pseudonym in every export but cannot be looked up from it.
 */
@Component
class Pseudonyms {

    private static final String KEY_NAME = "export.pseudonym-key";

    private final JdbcClient jdbc;

    Pseudonyms(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A function from labeler id to pseudonym, for one export. */
    @Transactional
    java.util.function.LongFunction<String> forExport() {
        byte[] key = HexFormat.of().parseHex(key());
        return labelerId -> "labeler-" + hmac(key, Long.toString(labelerId)).substring(0, 16);
    }

    private String key() {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        jdbc.sql("INSERT INTO app_setting (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING")
                .param("n", KEY_NAME)
                .param("v", HexFormat.of().formatHex(fresh))
                .update();
        return jdbc.sql("SELECT value FROM app_setting WHERE name = :n")
                .param("n", KEY_NAME)
                .query(String.class)
                .single();
    }

    private static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }
}
