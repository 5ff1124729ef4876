package org.instructforge.web.training;

import java.util.List;
import org.instructforge.shared.CheckpointStatus;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ModelCheckpointRepository extends JpaRepository<ModelCheckpoint, Long> {

    /** Half-written checkpoints are never listed: only READY ones. */
    @Query("select c from ModelCheckpoint c left join fetch c.parent where c.status = :status order by c.id desc")
    List<ModelCheckpoint> findListed(CheckpointStatus status);
}
