package org.instructforge.shared;

/** The use-case categories of InstructGPT's prompt distribution (Ouyang et al. 2022, Table 1). */
public enum PromptCategory {
    GENERATION,
    OPEN_QA,
    BRAINSTORMING,
    CHAT,
    REWRITE,
    SUMMARIZATION,
    CLASSIFICATION,
    CLOSED_QA,
    EXTRACT,
    OTHER
}
