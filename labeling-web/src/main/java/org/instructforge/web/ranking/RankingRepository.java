package org.instructforge.web.ranking;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface RankingRepository extends JpaRepository<Ranking, Long> {

    Optional<Ranking> findByTaskIdAndLabelerId(long taskId, long labelerId);
}
