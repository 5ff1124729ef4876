package org.instructforge.web.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PiiScannerTest {

    private static final PiiScanner SCANNER = new PiiScanner();
    private final PiiScrubber scrubber = new PiiScrubber();

    private static List<String> found(String text, PiiType type) {
        return SCANNER.scan(text).stream()
                .filter(d -> d.type() == type)
                .map(PiiDetection::text)
                .toList();
    }

    private static List<PiiType> types(String text) {
        return SCANNER.scan(text).stream().map(PiiDetection::type).toList();
    }

    // --- cards

    @Test
    void luhnRejectsSixteenDigitOrderIds() {
        assertThat(CardDetector.luhnValid("4111111111111111")).isTrue();
        assertThat(CardDetector.luhnValid("4111111111111112")).isFalse();
        assertThat(types("Order ID 4111111111111112 shows as shipped")).doesNotContain(PiiType.CARD);
    }

    @Test
    void luhnValidNumbersAnnouncedAsIdsAreNotCards() {
        // Both pass Luhn with a card prefix; the label in front says what they are.
        assertThat(types("the IMEI — mine is 356938035643809")).doesNotContain(PiiType.CARD);
        assertThat(types("Order #4556 7375 8689 9855 is stuck")).doesNotContain(PiiType.CARD);
    }

    @Test
    void findsCardsPlainAndInPrintedGroups() {
        assertThat(found("card 4111 1111 1111 1111 exp 12/28", PiiType.CARD)).containsExactly("4111 1111 1111 1111");
        assertThat(found("Amex 3782 822463 10005 please", PiiType.CARD)).containsExactly("3782 822463 10005");
        assertThat(found("pay with 5555-5555-5555-4444.", PiiType.CARD)).containsExactly("5555-5555-5555-4444");
        assertThat(found("number 6011111111111117 cvv 123", PiiType.CARD)).containsExactly("6011111111111117");
    }

    @Test
    void cardsGluedToHashesOrDecimalsAreIgnored() {
        assertThat(types("hash a4111111111111111f and pi 3.4111111111111111")).doesNotContain(PiiType.CARD);
        assertThat(types("UUID 41111111-1111-1111-1111-111111111111")).doesNotContain(PiiType.CARD);
    }

    // --- IBAN

    @Test
    void ibanRequiresMod97AndCountryLength() {
        assertThat(IbanDetector.isValidIban("DE89 3704 0044 0532 0130 00")).isTrue();
        assertThat(IbanDetector.isValidIban("DE88 3704 0044 0532 0130 00")).isFalse(); // check digits
        assertThat(IbanDetector.isValidIban("DE89 3704 0044 0532 0130 0")).isFalse(); // one short
        assertThat(found("pay DE89 3704 0044 0532 0130 00 now", PiiType.IBAN))
                .containsExactly("DE89 3704 0044 0532 0130 00");
        assertThat(found("pay GB82WEST12345698765432.", PiiType.IBAN)).containsExactly("GB82WEST12345698765432");
        assertThat(types("product code DE12 3456 7890 1234 5678 90")).doesNotContain(PiiType.IBAN);
    }

    // --- IP

    @Test
    void versionNumbersAreNotIpAddresses() {
        assertThat(types("The firmware is version 1.2.3.4, should I update?")).doesNotContain(PiiType.IP);
        assertThat(types("pip install requests==2.31.0.1")).doesNotContain(PiiType.IP);
        assertThat(types("Chrome 124.0.6367.91 or 124.0.6367.118")).doesNotContain(PiiType.IP);
        assertThat(types("Section 4.2.1.3 of the spec")).doesNotContain(PiiType.IP);
    }

    @Test
    void hostAddressesAreIpsEvenWhenPrivate() {
        assertThat(found("Why can't I ping 10.0.4.17 from the VPN?", PiiType.IP))
                .containsExactly("10.0.4.17");
        assertThat(found("requests from 198.51.100.23, block it", PiiType.IP)).containsExactly("198.51.100.23");
        // A one-digit first octet reads as a version unless a network cue is near.
        assertThat(found("ssh to server 8.23.4.1 fails", PiiType.IP)).containsExactly("8.23.4.1");
    }

    @Test
    void addressesThatIdentifyNobodyAreNotIps() {
        assertThat(types("bind 0.0.0.0 or 127.0.0.1, DNS 8.8.8.8, mask 255.255.255.0"))
                .doesNotContain(PiiType.IP);
    }

    @Test
    void ipv6NeedsRealStructureNotTimesOrCodeScopes() {
        assertThat(found("allow 2001:db8:85a3::8a2e:370:7334 please", PiiType.IP))
                .containsExactly("2001:db8:85a3::8a2e:370:7334");
        assertThat(types("at 12:30:45, std::vector, a::b, MAC 00:1A:2B:3C:4D:5E, ::1"))
                .doesNotContain(PiiType.IP);
    }

    // --- phones

    @Test
    void internationalPhoneNumbersAreFoundWhateverTheDefaultRegion() {
        String text = "Call +1 415 867 5309, +44 20 7946 0958 or 0033 1 42 68 53 00.";
        for (String regions : List.of("US", "DE", "JP, IN")) {
            assertThat(SCANNER.scan(text, PhoneRegions.parse(regions)))
                    .extracting(PiiDetection::text)
                    .containsExactly("+1 415 867 5309", "+44 20 7946 0958", "0033 1 42 68 53 00");
        }
    }

    @Test
    void nationalFormatsFollowTheConfiguredRegion() {
        String uk = "ring me on 020 7946 0958 tonight";
        assertThat(SCANNER.scan(uk, PhoneRegions.parse("US"))).isEmpty();
        assertThat(SCANNER.scan(uk, PhoneRegions.parse("gb")))
                .extracting(PiiDetection::text)
                .containsExactly("020 7946 0958");
        String german = "Ruf mich an: 0151 23456789";
        assertThat(SCANNER.scan(german, PhoneRegions.parse("US, GB"))).isEmpty();
        assertThat(SCANNER.scan(german, PhoneRegions.parse("US, GB, DE")))
                .extracting(PiiDetection::text)
                .containsExactly("0151 23456789");
    }

    @Test
    void theDefaultRegionsReadGermanAndBritishMobilesInNationalFormat() {
        assertThat(PhoneRegions.DEFAULT.codes()).contains("US", "GB", "DE", "FR", "IN", "BR", "JP");
        assertThat(found("Meine Handynummer ist 0151 23456789.", PiiType.PHONE)).containsExactly("0151 23456789");
        assertThat(found("text me on 07700 900123 after work", PiiType.PHONE)).containsExactly("07700 900123");
        assertThat(found("call me at (415) 867-5309 later", PiiType.PHONE)).containsExactly("(415) 867-5309");
    }

    @Test
    void regionListsAreParsedOnceAndUnknownCodesAreNamed() {
        assertThat(PhoneRegions.parse(" us,GB  de;gb ").toString()).isEqualTo("US,GB,DE");
        assertThat(PhoneRegions.parse("  ")).isEqualTo(PhoneRegions.DEFAULT);
        assertThat(PhoneRegions.unknownCodes("US, UK, XX, de")).containsExactly("UK", "XX");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PhoneRegions.parse("US, UK"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UK");
    }

    @Test
    void datesTimesVersionsAndInvoiceIdsAreNotPhoneNumbers() {
        assertThat(types("Log 2024-05-01 12:00:01 INFO ok")).doesNotContain(PiiType.PHONE);
        assertThat(types("Invoice INV-2024-000317 totals $1,249.99")).doesNotContain(PiiType.PHONE);
        assertThat(types("Chrome 124.0.6367.118")).doesNotContain(PiiType.PHONE);
        assertThat(types("Unix time 1717245725, what date?")).doesNotContain(PiiType.PHONE);
        assertThat(types("Account 0012345678 at the credit union")).doesNotContain(PiiType.PHONE);
    }

    @Test
    void unformattedNumbersAfterAnOrderLabelAreNotPhones() {
        assertThat(types("my order number 4155550123 never arrived")).doesNotContain(PiiType.PHONE);
        assertThat(found("call me at 4155550123", PiiType.PHONE)).containsExactly("4155550123");
    }

    // --- SSN, email, URLs, addresses

    @Test
    void dashedSsnIsFoundButSpacedOrPlainNeedsACue() {
        assertThat(found("SSN 123-45-6789 on file", PiiType.SSN)).containsExactly("123-45-6789");
        assertThat(types("part 123 45 6789 fits")).doesNotContain(PiiType.SSN);
        assertThat(found("social security no. 457 55 5462", PiiType.SSN)).containsExactly("457 55 5462");
        assertThat(types("area 000-12-3456 and 666-12-3456 are never issued")).doesNotContain(PiiType.SSN);
    }

    @Test
    void emailsIncludingObfuscatedOnesAreFoundButNotDecoratorsOrGitRemotes() {
        assertThat(found("mail jane.doe+x@mail.example.co.uk.", PiiType.EMAIL))
                .containsExactly("jane.doe+x@mail.example.co.uk");
        assertThat(found("reach mike [at] brightside [dot] org", PiiType.EMAIL))
                .containsExactly("mike [at] brightside [dot] org");
        assertThat(types("@Override and lodash@4.17.21 and git@github.com:acme/app.git"))
                .doesNotContain(PiiType.EMAIL);
        assertThat(types("meet me at home, the dot is on the map")).doesNotContain(PiiType.EMAIL);
    }

    @Test
    void urlsAreSecretOnlyWhenTheyCarryACredential() {
        assertThat(found("use postgres://app:s3cret@db:5432/x now", PiiType.SECRET_URL))
                .containsExactly("postgres://app:s3cret@db:5432/x");
        assertThat(found("see https://x.io/a?access_token=abc123def456).", PiiType.SECRET_URL))
                .containsExactly("https://x.io/a?access_token=abc123def456");
        assertThat(types("https://docs.python.org/3/?highlight=re and https://x.io/?api_key=YOUR_API_KEY"))
                .doesNotContain(PiiType.SECRET_URL);
        assertThat(types("template postgres://USER:PASSWORD@HOST:5432/DB")).doesNotContain(PiiType.SECRET_URL);
    }

    @Test
    void streetAddressesNeedANumberAndAStreetWord() {
        assertThat(found("Ship to 742 Evergreen Terrace, Springfield, IL 62704.", PiiType.ADDRESS))
                .containsExactly("742 Evergreen Terrace, Springfield, IL 62704");
        assertThat(found("Lieferung an Hauptstraße 5, 10115 Berlin bitte", PiiType.ADDRESS))
                .containsExactly("Hauptstraße 5, 10115 Berlin");
        assertThat(types("I ran 5 miles down the road and saw 3 old cars on the street"))
                .doesNotContain(PiiType.ADDRESS);
    }

    // --- names

    @Test
    void ambiguousFirstNamesNeedACueOrASurname() {
        assertThat(types("Will this work? May I ask about the grace period? Mark it done."))
                .doesNotContain(PiiType.NAME);
        assertThat(found("Will Smith starred in it", PiiType.NAME)).containsExactly("Will Smith");
        assertThat(found("Please ask Will whether it is ready", PiiType.NAME)).containsExactly("Will");
        assertThat(found("a toast for Jack and Emily", PiiType.NAME)).containsExactly("Jack", "Emily");
    }

    @Test
    void titlesAndRelationsMarkUnknownNames() {
        assertThat(found("Dear Dr. Okonkwo, thanks", PiiType.NAME)).containsExactly("Okonkwo");
        assertThat(found("my colleague Zephyrine Adebola keeps", PiiType.NAME)).containsExactly("Zephyrine Adebola");
        assertThat(types("Open it in MS Word")).doesNotContain(PiiType.NAME);
    }

    @Test
    void signatureLineIsAName() {
        assertThat(found("Thanks for the help!\nBest,\nOkwudili Anyanwu\n", PiiType.NAME))
                .containsExactly("Okwudili Anyanwu");
        assertThat(types("Thanks,\nThe Support Team")).doesNotContain(PiiType.NAME);
    }

    // --- overlaps, scrubbing, threads

    @Test
    void overlappingDetectionsKeepTheLongestSpan() {
        // The email-looking "app:pw@db.example.com" lives inside the URL; one [SECRET_URL] must win.
        assertThat(types("DSN mysql://app:pw2024@db.example.com/x")).containsExactly(PiiType.SECRET_URL);
    }

    @Test
    void equalSpansGoToTheMoreSpecificType() {
        List<PiiDetection> candidates = new ArrayList<>(List.of(
                new PiiDetection(PiiType.PHONE, 0, 10, "0123456789", 0.9, "phone"),
                new PiiDetection(PiiType.CARD, 0, 10, "0123456789", 0.9, "card")));
        assertThat(PiiScanner.resolveOverlaps(candidates))
                .extracting(PiiDetection::type)
                .containsExactly(PiiType.CARD);
    }

    @Test
    void scrubReplacesSpansWithTypedPlaceholders() {
        String text = "I'm Priya Raman, mail priya@example.com or call (415) 867-5309.";
        String scrubbed = scrubber.scrub(text, SCANNER.scan(text));
        assertThat(scrubbed).isEqualTo("I'm [NAME], mail [EMAIL] or call [PHONE].");
    }

    @Test
    void scrubKeepsSpansTheReviewerRejected() {
        String text = "Ask Priya at priya@example.com";
        List<PiiDetection> onlyEmail = SCANNER.scan(text).stream()
                .filter(d -> d.type() == PiiType.EMAIL)
                .toList();
        assertThat(scrubber.scrub(text, onlyEmail)).isEqualTo("Ask Priya at [EMAIL]");
    }

    @Test
    void scrubRefusesDetectionsThatNoLongerMatchTheText() {
        List<PiiDetection> stale = SCANNER.scan("mail priya@example.com");
        assertThatThrownBy(() -> scrubber.scrub("mail rahul@example.com", stale))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void scrubRefusesOverlappingDetections() {
        String text = "abcdefgh";
        List<PiiDetection> overlapping = List.of(
                new PiiDetection(PiiType.NAME, 0, 5, "abcde", 0.5, "t"),
                new PiiDetection(PiiType.NAME, 3, 8, "defgh", 0.5, "t"));
        assertThatThrownBy(() -> scrubber.scrub(text, overlapping)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyOrNullTextHasNoDetections() {
        assertThat(SCANNER.scan("")).isEmpty();
        assertThat(SCANNER.scan(null)).isEmpty();
    }

    @Test
    void oneScannerGivesTheSameAnswersFromManyThreads() throws Exception {
        List<String> texts = List.of(
                "I'm Priya Raman, call (415) 867-5309",
                "card 4111 1111 1111 1111",
                "ping 10.0.4.17 now",
                "IBAN DE89 3704 0044 0532 0130 00",
                "Best,\nEmeka Obi",
                "version 1.2.3.4 only");
        List<List<PiiDetection>> expected = texts.stream().map(SCANNER::scan).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        for (int i = 0; i < texts.size(); i++) {
                            if (!SCANNER.scan(texts.get(i)).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
