package org.instructforge.web.comparison;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface ComparisonJudgementRepository extends JpaRepository<ComparisonJudgement, Long> {

    Optional<ComparisonJudgement> findByTaskIdAndLabelerId(long taskId, long labelerId);
}
