package org.instructforge.web.ranking;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.EnumSet;
import java.util.Set;

/** One candidate within one labeler's ranking: its rank, Likert score and metadata flags. */
@Embeddable
class RankingEntry {

    @Column(name = "candidate_id", nullable = false)
    private long candidateId;

    @Column(name = "rank")
    private Short rank;

    @Column(name = "likert")
    private Short likert;

    @Column(name = "fails_instruction", nullable = false)
    private boolean failsInstruction;

    @Column(name = "inappropriate_for_customer", nullable = false)
    private boolean inappropriateForCustomer;

    @Column(name = "hallucination", nullable = false)
    private boolean hallucination;

    @Column(name = "satisfies_constraint", nullable = false)
    private boolean satisfiesConstraint;

    @Column(name = "sexual_content", nullable = false)
    private boolean sexualContent;

    @Column(name = "violent_content", nullable = false)
    private boolean violentContent;

    @Column(name = "encourages_violence", nullable = false)
    private boolean encouragesViolence;

    @Column(name = "denigrates_protected_class", nullable = false)
    private boolean denigratesProtectedClass;

    @Column(name = "harmful_advice", nullable = false)
    private boolean harmfulAdvice;

    @Column(name = "expresses_opinion", nullable = false)
    private boolean expressesOpinion;

    @Column(name = "expresses_moral_judgment", nullable = false)
    private boolean expressesMoralJudgment;

    protected RankingEntry() {}

    RankingEntry(long candidateId, Integer rank, Integer likert, Set<MetadataFlag> flags) {
        if (likert != null && (likert < 1 || likert > 7)) {
            throw new InvalidRankingException("A Likert score is 1 to 7, not " + likert);
        }
        this.candidateId = candidateId;
        this.rank = rank == null ? null : rank.shortValue();
        this.likert = likert == null ? null : likert.shortValue();
        failsInstruction = flags.contains(MetadataFlag.FAILS_INSTRUCTION);
        inappropriateForCustomer = flags.contains(MetadataFlag.INAPPROPRIATE_FOR_CUSTOMER);
        hallucination = flags.contains(MetadataFlag.HALLUCINATION);
        satisfiesConstraint = flags.contains(MetadataFlag.SATISFIES_CONSTRAINT);
        sexualContent = flags.contains(MetadataFlag.SEXUAL_CONTENT);
        violentContent = flags.contains(MetadataFlag.VIOLENT_CONTENT);
        encouragesViolence = flags.contains(MetadataFlag.ENCOURAGES_VIOLENCE);
        denigratesProtectedClass = flags.contains(MetadataFlag.DENIGRATES_PROTECTED_CLASS);
        harmfulAdvice = flags.contains(MetadataFlag.HARMFUL_ADVICE);
        expressesOpinion = flags.contains(MetadataFlag.EXPRESSES_OPINION);
        expressesMoralJudgment = flags.contains(MetadataFlag.EXPRESSES_MORAL_JUDGMENT);
    }

    long candidateId() {
        return candidateId;
    }

    Integer rank() {
        return rank == null ? null : rank.intValue();
    }

    Integer likert() {
        return likert == null ? null : likert.intValue();
    }

    Set<MetadataFlag> flags() {
        Set<MetadataFlag> flags = EnumSet.noneOf(MetadataFlag.class);
        if (failsInstruction) flags.add(MetadataFlag.FAILS_INSTRUCTION);
        if (inappropriateForCustomer) flags.add(MetadataFlag.INAPPROPRIATE_FOR_CUSTOMER);
        if (hallucination) flags.add(MetadataFlag.HALLUCINATION);
        if (satisfiesConstraint) flags.add(MetadataFlag.SATISFIES_CONSTRAINT);
        if (sexualContent) flags.add(MetadataFlag.SEXUAL_CONTENT);
        if (violentContent) flags.add(MetadataFlag.VIOLENT_CONTENT);
        if (encouragesViolence) flags.add(MetadataFlag.ENCOURAGES_VIOLENCE);
        if (denigratesProtectedClass) flags.add(MetadataFlag.DENIGRATES_PROTECTED_CLASS);
        if (harmfulAdvice) flags.add(MetadataFlag.HARMFUL_ADVICE);
        if (expressesOpinion) flags.add(MetadataFlag.EXPRESSES_OPINION);
        if (expressesMoralJudgment) flags.add(MetadataFlag.EXPRESSES_MORAL_JUDGMENT);
        return flags;
    }
}
