package org.instructforge.web.dataset.importing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits on imported files.
 *
 * @param maxPromptChars a longer prompt is a bad line; see {@link ImportLimits} for why this default
 * @param maxLineBytes a longer line is a bad line, rejected without being held in memory
 * @param maxFileBytes a larger upload is refused (413) before it fills the disk; default 1 GiB
 */
@ConfigurationProperties("instructforge.import")
public record ImportProperties(Integer maxPromptChars, Integer maxLineBytes, Long maxFileBytes) {

    public ImportProperties {
        if (maxFileBytes == null) {
            maxFileBytes = 1L << 30;
        }
    }

    ImportLimits limits() {
        ImportLimits defaults = ImportLimits.defaults();
        return new ImportLimits(
                maxPromptChars == null ? defaults.maxPromptChars() : maxPromptChars,
                maxLineBytes == null ? defaults.maxLineBytes() : maxLineBytes,
                defaults.maxMetadataChars());
    }
}
