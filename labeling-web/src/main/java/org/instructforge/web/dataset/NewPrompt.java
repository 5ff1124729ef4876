package org.instructforge.web.dataset;

import org.instructforge.shared.PromptCategory;
import org.instructforge.shared.PromptSource;

/** A prompt to add to a dataset. */
public record NewPrompt(String text, String sourceUserId, PromptSource sourceKind, PromptCategory category) {}
