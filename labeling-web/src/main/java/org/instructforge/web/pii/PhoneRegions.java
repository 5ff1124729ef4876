package org.instructforge.web.pii;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The regions a dataset's prompts come from, in which phone numbers written without a country code
 * ("0151 23456789", "07700 900123", "(415) 867-5309") are read. Numbers written with "+CC" or "00CC" are found
 * whatever the regions. The one place that parses, checks and prints the list a dataset stores.
 *
 * @param codes ISO 3166-1 alpha-2 codes libphonenumber knows, upper-case, without repeats, in the order given
 */
public record PhoneRegions(List<String> codes) {

    // Before DEFAULT: static fields initialise in order, and DEFAULT's constructor checks against this.
    private static final Set<String> SUPPORTED = PhoneNumberUtil.getInstance().getSupportedRegions();

    /** The regions most prompts come from: used for datasets that name none. */
    public static final PhoneRegions DEFAULT = new PhoneRegions(List.of("US", "GB", "DE", "FR", "IN", "BR", "JP"));

    public PhoneRegions {
        if (codes.isEmpty()) {
            throw new IllegalArgumentException("at least one phone region is needed");
        }
        List<String> unknown =
                codes.stream().filter(c -> !SUPPORTED.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown phone region(s): " + unknown);
        }
        codes = List.copyOf(new LinkedHashSet<>(codes));
    }

    /**
     * Reads a list typed by an admin ("US, gb de"): codes separated by commas or spaces, any case. Blank means
     * {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the codes that are not regions, when there are any
     */
    public static PhoneRegions parse(String text) {
        List<String> codes = tokens(text);
        return codes.isEmpty() ? DEFAULT : new PhoneRegions(codes);
    }

    /** The tokens of {@code text} that are not region codes, as typed: empty when {@link #parse} accepts it. */
    public static List<String> unknownCodes(String text) {
        return tokens(text).stream().filter(c -> !SUPPORTED.contains(c)).toList();
    }

    private static List<String> tokens(String text) {
        List<String> codes = new ArrayList<>();
        if (text == null) {
            return codes;
        }
        for (String token : text.split("[,;\\s]+")) {
            if (!token.isEmpty()) {
                codes.add(token.toUpperCase(Locale.ROOT));
            }
        }
        return codes;
    }

    /** "US,GB,DE": the form the dataset stores and the API and the form show. */
    @Override
    public String toString() {
        return String.join(",", codes);
    }
}
