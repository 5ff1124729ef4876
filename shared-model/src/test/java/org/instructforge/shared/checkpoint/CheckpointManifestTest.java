package org.instructforge.shared.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointManifestTest {

    private static final String A = "a".repeat(64);
    private static final String B = "0123456789abcdef".repeat(4);

    @Test
    void readsSha256sumLinesInFileOrder() throws IOException {
        assertThat(CheckpointManifest.parse(List.of(B + "  model.safetensors", "", A + "  extra/notes.txt")))
                .containsExactly(
                        java.util.Map.entry("model.safetensors", B), java.util.Map.entry("extra/notes.txt", A));
    }

    @Test
    void refusesNamesThatLeaveTheFolder() {
        // A manifest read from a bucket decides where its files are written: neither may escape the cache folder.
        assertThatThrownBy(() -> CheckpointManifest.parse(List.of(A + "  ../../etc/passwd")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("outside its folder");
        assertThatThrownBy(() -> CheckpointManifest.parse(List.of(A + "  /etc/passwd")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("outside its folder");
    }

    @Test
    void refusesLinesThatAreNotSha256sums() {
        assertThatThrownBy(() -> CheckpointManifest.parse(List.of("abc  config.json")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Not a SHA256SUMS line");
        assertThatThrownBy(() -> CheckpointManifest.parse(List.of(A.toUpperCase() + "  config.json")))
                .isInstanceOf(IOException.class);
    }
}
