package org.instructforge.web.dataset;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import org.instructforge.web.pii.PhoneRegionCodes;
import org.instructforge.web.pii.PhoneRegions;

/**
 * What an admin sets on a dataset, bound straight from the form (and the API).
 *
 * @param maxPromptsPerUser InstructGPT caps each user ID at 200 prompts
 * @param dedupPrefixChars prompts whose normalised first characters match are duplicates
 * @param labelsPerItem independent labels for the overlapping share of items
 * @param overlapShare the share of items that get {@code labelsPerItem} labels; the rest get one
 * @param reviewPercent the share (0-100 %) of submitted demonstrations and rankings picked for a reviewer's check,
 *     held from training until passed; absent means 0 (no review)
 * @param phoneRegions where the prompts come from ("US,GB,DE"): phone numbers without a country code are read in
 *     each of these regions; absent or blank means {@link PhoneRegions#DEFAULT}
 */
public record DatasetSettings(
        @NotBlank(message = "{dataset.name.required}") @Size(max = 200, message = "{dataset.name.size}")
        String name,

        @Size(max = 2000, message = "{dataset.description.size}")
        String description,

        @Size(max = 20000, message = "{dataset.guidelines.size}")
        String guidelines,

        Boolean keepPiiOriginals,
        @NotNull @Min(1) @Max(100000) Integer maxPromptsPerUser,
        @NotNull @Min(10) @Max(10000) Integer dedupPrefixChars,
        @NotNull @Min(1) @Max(10) Integer labelsPerItem,
        @NotNull @DecimalMin("0") @DecimalMax("1") BigDecimal overlapShare,
        @NotNull @DecimalMin("0") @DecimalMax("1") BigDecimal trainRatio,
        @NotNull @DecimalMin("0") @DecimalMax("1") BigDecimal validRatio,
        @NotNull @DecimalMin("0") @DecimalMax("1") BigDecimal testRatio,

        @Min(value = 0, message = "{dataset.reviewPercent.range}")
        @Max(value = 100, message = "{dataset.reviewPercent.range}")
        Integer reviewPercent,

        @Size(max = 400, message = "{dataset.phoneRegions.size}") @PhoneRegionCodes
        String phoneRegions) {

    public DatasetSettings {
        // An unticked checkbox sends nothing: absent means false.
        keepPiiOriginals = Boolean.TRUE.equals(keepPiiOriginals);
        if (reviewPercent == null) {
            reviewPercent = 0;
        }
        // Written as stored ("US,GB"); a list with unknown codes is kept as typed, for the message beside it.
        if (PhoneRegions.unknownCodes(phoneRegions).isEmpty()) {
            phoneRegions = PhoneRegions.parse(phoneRegions).toString();
        }
    }

    /** The phone regions, once validated (a list with unknown codes never gets past the form or the API). */
    public PhoneRegions regions() {
        return PhoneRegions.parse(phoneRegions);
    }

    /** The InstructGPT defaults: 200 prompts per user, an 80/10/10 split by user. */
    public static DatasetSettings defaults() {
        return new DatasetSettings(
                "",
                "",
                "",
                false,
                200,
                200,
                1,
                BigDecimal.ZERO,
                new BigDecimal("0.8"),
                new BigDecimal("0.1"),
                new BigDecimal("0.1"),
                0,
                PhoneRegions.DEFAULT.toString());
    }

    @AssertTrue(message = "{dataset.ratios.sum}")
    public boolean isRatioSumOne() {
        if (trainRatio == null || validRatio == null || testRatio == null) {
            return true; // reported by @NotNull
        }
        return trainRatio.add(validRatio).add(testRatio).compareTo(BigDecimal.ONE) == 0;
    }
}
