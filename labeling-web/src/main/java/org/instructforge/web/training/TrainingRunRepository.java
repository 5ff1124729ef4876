package org.instructforge.web.training;

import java.util.List;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

interface TrainingRunRepository extends JpaRepository<TrainingRun, Long> {

    List<TrainingRun> findByOrderByIdDesc(Limit limit);
}
