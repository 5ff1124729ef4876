package org.instructforge.web.demonstration;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface DemonstrationRepository extends JpaRepository<Demonstration, Long> {

    Optional<Demonstration> findByPromptIdAndLabelerId(long promptId, long labelerId);
}
