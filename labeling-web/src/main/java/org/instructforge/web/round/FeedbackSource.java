package org.instructforge.web.round;

/** Who labels a round: people, or an AI labeler (RLAIF) whose labels stay marked as AI feedback. */
public enum FeedbackSource {
    HUMAN,
    AI
}
