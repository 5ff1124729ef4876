package org.instructforge.web.pii;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 and IPv6 addresses.
 *
 * <p>Policy: any host address, private ranges included (an internal address still maps a company's network
 * and, with a timestamp, a person), except addresses that identify nobody: loopback, unspecified, netmasks and
 * the best-known public resolvers.
 *
 * <p>Version numbers: "1.2.3.4" is syntactically an IPv4 address. It is treated as a version (not scrubbed)
 * when (a) a version cue stands right before it ("version", "release", "==", "upgrade to", ...; a glued "v"
 * already fails the word-boundary), or (b) its first part is a single digit and no network cue ("ip", "server", "ping", "host", ...)
 * is near. Real addresses with a one-digit first octet (1.x-9.x) and no cue are therefore missed; that is
 * the documented trade-off, chosen because version strings are far more common in prompts than such hosts.
 */
final class IpAddressDetector implements PiiDetector {

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    // Not glued to a word or another dot-number on either side ("1.2.3.4.5" is a version, "v1.2.3.4" too).
    private static final Pattern IPV4 =
            Pattern.compile("(?<![\\w.])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\w]|\\.\\d)");

    // Loose candidate for IPv6; the structure is validated by hand in isIpv6.
    private static final Pattern IPV6_CANDIDATE =
            Pattern.compile("(?<![\\w:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{2,43}(?![\\w:])");

    private static final Pattern VERSION_CUE = Pattern.compile(
            "(?:\\b(?:version|ver|release|released|build|firmware|patch|upgrade|upgraded|update|updated|sdk|jdk|"
                    + "jre|library|package|dependency|pip|npm|maven|gradle|pom|chapter|section|clause|rule|figure|"
                    + "table|step)\\.?|==|>=|<=|~=|\\^|~|@)\\s*:?\\s*(?:to\\s*|from\\s*|is\\s*)?$");
    private static final Pattern NETWORK_CUE = Pattern.compile(
            "(?:\\bip\\b|ipv4|address|server|host|ping|ssh|connect|dns|gateway|router|firewall|subnet|vpn|"
                    + "proxy|curl|http|nginx|whitelist|allowlist|blocklist|blacklist|\\bport\\b|login|logged in|"
                    + "traffic|network|device|client|machine|\\blan\\b|\\bwan\\b|wifi|dhcp|nat\\b)");

    private static final Set<String> NOT_PERSONAL =
            Set.of("127.0.0.1", "0.0.0.0", "255.255.255.255", "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9");

    @Override
    public void detect(String text, List<PiiDetection> out) {
        if (hasDigitDotDigit(text)) {
            Matcher m = IPV4.matcher(text);
            while (m.find()) {
                String ip = m.group();
                if (NOT_PERSONAL.contains(ip) || ip.startsWith("127.") || ip.startsWith("255.")) {
                    continue;
                }
                if (looksLikeVersion(text, m.start(), ip)) {
                    continue;
                }
                out.add(new PiiDetection(PiiType.IP, m.start(), m.end(), ip, 0.9, "ipv4"));
            }
        }
        if (text.indexOf(':') >= 0) {
            Matcher m = IPV6_CANDIDATE.matcher(text);
            while (m.find()) {
                int start = m.start();
                int end = m.end();
                while (end > start && text.charAt(end - 1) == '.') {
                    end--; // sentence-final period
                }
                String candidate = text.substring(start, end);
                if (isIpv6(candidate)) {
                    out.add(new PiiDetection(PiiType.IP, start, end, candidate, 0.9, "ipv6"));
                }
            }
        }
    }

    private static boolean hasDigitDotDigit(String text) {
        for (int i = 1; i + 1 < text.length(); i++) {
            if (text.charAt(i) == '.'
                    && TextContext.isAsciiDigit(text.charAt(i - 1))
                    && TextContext.isAsciiDigit(text.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksLikeVersion(String text, int start, String ip) {
        String before = TextContext.before(text, start, 40);
        if (VERSION_CUE.matcher(before).find()) {
            return true; // "version 10.2.0.1", "==1.2.3.4": the word right before decides
        }
        boolean networkCue = NETWORK_CUE.matcher(before).find()
                || NETWORK_CUE
                        .matcher(TextContext.after(text, start + ip.length(), 25))
                        .find();
        if (networkCue) {
            return false;
        }
        return ip.charAt(1) == '.'; // one-digit first part and no network cue: read as a version
    }

    /**
     * RFC 4291 text form: eight 1-4 digit hex groups, at most one "::" standing for one or more zero groups,
     * optionally an embedded IPv4 tail. Also requires enough substance (a group of 3+ digits, 5+ hex digits in
     * all) so that "a::b" in code, "12:30:45" times and MAC addresses are not addresses; loopback "::1" and
     * the unspecified "::" identify nobody and are skipped.
     */
    static boolean isIpv6(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        if (s.contains(":::")) {
            return false;
        }
        String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
        String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
        int groups = 0;
        int hexDigits = 0;
        boolean longGroup = false;
        boolean ipv4Tail = false;
        String[] parts = {head, tail};
        int lastPart = tail.isEmpty() ? 0 : 1;
        for (int p = 0; p < parts.length; p++) {
            if (parts[p].isEmpty()) {
                continue;
            }
            String[] fields = parts[p].split(":", -1);
            for (int f = 0; f < fields.length; f++) {
                String field = fields[f];
                boolean last = p == lastPart && f == fields.length - 1;
                if (last && field.indexOf('.') >= 0) {
                    if (!isIpv4(field)) {
                        return false;
                    }
                    groups += 2;
                    ipv4Tail = true;
                    hexDigits += 4;
                    longGroup = true;
                    continue;
                }
                if (field.isEmpty() || field.length() > 4 || !isHex(field)) {
                    return false;
                }
                groups++;
                hexDigits += field.length();
                longGroup |= field.length() >= 3;
            }
        }
        if (doubleColon >= 0 ? groups > 7 : groups != 8) {
            return false;
        }
        if (!ipv4Tail && s.indexOf('.') >= 0) {
            return false;
        }
        return longGroup && hexDigits >= 5 && groups >= 2;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4(String s) {
        return IPV4.matcher(s).matches();
    }
}
