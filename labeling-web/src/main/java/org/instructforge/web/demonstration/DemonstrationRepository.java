package org.instructforge.web.demonstration;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface DemonstrationRepository extends JpaRepository<Demonstration, Long> {

    Optional<Demonstration> findByPromptIdAndLabelerId(long promptId, long labelerId);

    /** Locks the row for a revision: a training run reading it (FOR SHARE) waits, or makes this wait. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select d from Demonstration d where d.id = :id")
    Optional<Demonstration> lockById(@Param("id") long id);
}
