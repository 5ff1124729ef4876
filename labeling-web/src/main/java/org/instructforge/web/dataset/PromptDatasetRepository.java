package org.instructforge.web.dataset;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface PromptDatasetRepository extends JpaRepository<PromptDataset, Long> {

    Optional<PromptDataset> findByName(String name);

    /** A dataset with its prompt counts, computed in the database. */
    String SUMMARY = """
            select new org.instructforge.web.dataset.DatasetSummary(
                d.id, d.name, d.description, cast(d.status as string),
                count(p.id),
                coalesce(sum(case when p.status = org.instructforge.shared.PromptStatus.ACTIVE then 1 else 0 end), 0),
                coalesce(sum(case when p.split = org.instructforge.shared.Split.TRAIN then 1 else 0 end), 0),
                coalesce(sum(case when p.split = org.instructforge.shared.Split.VALID then 1 else 0 end), 0),
                coalesce(sum(case when p.split = org.instructforge.shared.Split.TEST then 1 else 0 end), 0),
                coalesce(sum(case when p.piiStatus = org.instructforge.shared.PiiStatus.PENDING_REVIEW then 1 else 0 end), 0))
            from PromptDataset d left join Prompt p on p.dataset = d
            """;

    @Query(SUMMARY + " group by d.id, d.name, d.description, d.status order by d.name")
    List<DatasetSummary> summaries();

    @Query(SUMMARY + " where d.id = :id group by d.id, d.name, d.description, d.status")
    Optional<DatasetSummary> summary(long id);
}
