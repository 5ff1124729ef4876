package org.instructforge.web.ranking;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface RankingRepository extends JpaRepository<Ranking, Long> {

    Optional<Ranking> findByTaskIdAndLabelerId(long taskId, long labelerId);

    /** Locks the row for a revision: a training run reading it (FOR SHARE) waits, or makes this wait. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select r from Ranking r where r.taskId = :task and r.labelerId = :labeler")
    Optional<Ranking> lockByTaskIdAndLabelerId(@Param("task") long taskId, @Param("labeler") long labelerId);
}
