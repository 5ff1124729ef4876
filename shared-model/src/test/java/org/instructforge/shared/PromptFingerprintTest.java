package org.instructforge.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptFingerprintTest {

    @Test
    void promptsSharingANormalisedPrefixShareADedupKey() {
        String a = "Write a   poem about the SEA\nand the wind, please.";
        String b = "write a poem about the sea and the wind, in French.";
        assertThat(PromptFingerprint.dedupKey(a, 30)).isEqualTo(PromptFingerprint.dedupKey(b, 30));
        assertThat(PromptFingerprint.dedupKey(a, 60)).isNotEqualTo(PromptFingerprint.dedupKey(b, 60));
    }

    @Test
    void contentHashDistinguishesCaseAndWhitespace() {
        assertThat(PromptFingerprint.contentHash("Hello"))
                .isEqualTo(PromptFingerprint.contentHash("Hello"))
                .isNotEqualTo(PromptFingerprint.contentHash("hello"))
                .hasSize(64);
    }

    @Test
    void shortPromptsUseTheirWholeTextAsPrefix() {
        assertThat(PromptFingerprint.dedupKey(" Hi ", 200)).isEqualTo(PromptFingerprint.dedupKey("hi", 200));
    }
}
