package org.instructforge.web.pii;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URLs that carry a credential: a password in the user-info part ({@code postgres://app:s3cret@db/prod}),
 * a secret query or fragment parameter ({@code ?access_token=}, {@code &X-Amz-Signature=}), or a path that
 * is itself the secret (Slack and Discord webhooks). The whole URL is replaced, since the host alone tells
 * little and a partially scrubbed URL invites reconstruction. Plain URLs are left alone: they are content.
 */
final class SecretUrlDetector implements PiiDetector {

    private static final Pattern URL = Pattern.compile(
            "(?i)\\b(?:https?|ftps?|sftp|ssh|git|wss?|smtps?|imaps?|ldaps?|redis|rediss|amqps?|mqtt|"
                    + "postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|jdbc:[a-z0-9]+(?::[a-z0-9]+)?)://[^\\s<>\"'`]+");
    // user:password@ (the user may be empty, as in redis://:pass@host); a bare "user@" is not a secret.
    private static final Pattern USERINFO_WITH_PASSWORD = Pattern.compile("^[^/?#@\\s]*://[^/?#@\\s:]*:([^/?#@\\s]+)@");

    /** Parameter names (lower-case, '-', '_' and '.' removed) whose value is a credential by definition. */
    private static final Set<String> SECRET_PARAMS = Set.of(
            "token",
            "accesstoken",
            "refreshtoken",
            "idtoken",
            "authtoken",
            "apikey",
            "apitoken",
            "secret",
            "clientsecret",
            "password",
            "passwd",
            "pwd",
            "pass",
            "sig",
            "signature",
            "xamzsignature",
            "xamzcredential",
            "xamzsecuritytoken",
            "xgoogsignature",
            "xgoogcredential",
            "authorization",
            "jwt",
            "privatetoken",
            "accesskey",
            "secretkey",
            "awsaccesskeyid",
            "hmac",
            "credential",
            "credentials",
            "bearer",
            "oauthtoken",
            "oauthsignature",
            "sessiontoken",
            "securitytoken");
    /**
     * Names that carry a credential only sometimes ("?key=" is a Maps API key or a sort key, "?code=" an OAuth
     * code or a language): accepted only when the value looks machine-generated.
     */
    private static final Set<String> MAYBE_SECRET_PARAMS =
            Set.of("key", "code", "auth", "session", "sessionid", "sid", "ticket", "otp");

    private static final Pattern PARAM = Pattern.compile("[?&#;]([A-Za-z0-9_.\\-]+)=([^&#;\\s]*)");
    private static final String[] SECRET_PATHS = {
        "hooks.slack.com/services/",
        "discord.com/api/webhooks/",
        "discordapp.com/api/webhooks/",
        "outlook.office.com/webhook/",
        ".webhook.office.com/webhookb2/"
    };

    @Override
    public void detect(String text, List<PiiDetection> out) {
        if (text.indexOf("://") < 0) {
            return;
        }
        Matcher m = URL.matcher(text);
        while (m.find()) {
            int end = trimTrailingPunctuation(text, m.start(), m.end());
            String url = text.substring(m.start(), end);
            String reason = secretReason(url);
            if (reason != null) {
                out.add(new PiiDetection(PiiType.SECRET_URL, m.start(), end, url, 0.95, reason));
            }
        }
    }

    static String secretReason(String url) {
        Matcher userinfo = USERINFO_WITH_PASSWORD.matcher(url);
        if (userinfo.find() && !isPlaceholder(userinfo.group(1))) {
            return "url-userinfo";
        }
        String lower = url.toLowerCase(Locale.ROOT);
        for (String path : SECRET_PATHS) {
            if (lower.contains(path)) {
                return "url-webhook";
            }
        }
        Matcher p = PARAM.matcher(url);
        while (p.find()) {
            String name = p.group(1)
                    .toLowerCase(Locale.ROOT)
                    .replace("-", "")
                    .replace("_", "")
                    .replace(".", "");
            String value = p.group(2);
            // An empty or placeholder value ("?token=" / "?api_key=YOUR_KEY") reveals nothing.
            if (value.length() < 4 || isPlaceholder(value)) {
                continue;
            }
            if (SECRET_PARAMS.contains(name) || (MAYBE_SECRET_PARAMS.contains(name) && looksGenerated(value))) {
                return "url-param";
            }
        }
        return null;
    }

    /** 16+ characters, or 8+ mixing letters and digits: what generated keys look like, unlike "en" or "python". */
    private static boolean looksGenerated(String value) {
        if (value.length() >= 16) {
            return true;
        }
        boolean letter = false;
        boolean digit = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            letter |= Character.isLetter(c);
            digit |= Character.isDigit(c);
        }
        return value.length() >= 8 && letter && digit;
    }

    /**
     * Template values from documentation: "YOUR_KEY", "&lt;token&gt;", "${DB_PASS}", "PASSWORD", "xxxx".
     * ALL-CAPS values count as templates only for words, not for generated keys like "AKIA..." with digits.
     */
    private static boolean isPlaceholder(String value) {
        if (value.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || c == '_')) {
            return true;
        }
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("password")
                || v.equals("pass")
                || v.equals("passwd")
                || v.equals("pwd")
                || v.equals("secret")
                || v.chars().allMatch(c -> c == 'x' || c == '*')) {
            return true;
        }
        return v.startsWith("your")
                || v.startsWith("<")
                || v.startsWith("{")
                || v.startsWith("%3c")
                || v.startsWith("$")
                || v.equals("xxxx")
                || v.equals("xxxxx")
                || v.equals("redacted")
                || v.equals("null")
                || v.equals("true")
                || v.equals("false");
    }

    /** "see https://x/y?token=abc)." — a closing bracket without an opener, or final punctuation, ends the sentence. */
    private static int trimTrailingPunctuation(String text, int start, int end) {
        while (end > start) {
            char c = text.charAt(end - 1);
            if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?') {
                end--;
            } else if (c == ')' && count(text, start, end, '(') < count(text, start, end, ')')) {
                end--;
            } else if (c == ']' && count(text, start, end, '[') < count(text, start, end, ']')) {
                end--;
            } else {
                break;
            }
        }
        return end;
    }

    private static int count(String text, int from, int to, char c) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
