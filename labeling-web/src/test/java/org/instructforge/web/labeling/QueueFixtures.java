package org.instructforge.web.labeling;

import java.util.Set;
import java.util.UUID;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Labelers and claims for tests that share one database with other tests' tasks. */
public final class QueueFixtures {

    private QueueFixtures() {}

    /** A fresh labeler account with the given password; returns its username. */
    public static String newLabeler(Accounts accounts, String password) {
        String name = "lab-" + UUID.randomUUID().toString().substring(0, 8);
        accounts.create(name, name, password, Set.of(Role.LABELER), null);
        return name;
    }

    /** Claims until this item comes up, skipping the tasks other tests left in the shared queue. */
    public static Lease claim(TaskQueue queue, String labeler, TaskKind kind, long itemId) {
        for (int i = 0; i < 500; i++) {
            Lease lease = queue.claimNext(labeler, kind).orElseThrow(() -> new AssertionError("queue ran dry"));
            if (lease.itemId() == itemId) {
                return lease;
            }
            queue.skip(lease.id(), labeler, "another test's task");
        }
        throw new AssertionError("item " + itemId + " not reached");
    }

    /** The id of the ranking this labeler submitted on this ranking task. */
    public static long rankingOf(JdbcClient jdbc, String labeler, long task) {
        return jdbc.sql("SELECT r.id FROM ranking r JOIN app_user u ON u.id = r.labeler_id"
                        + " WHERE r.task_id = :t AND u.username = :u")
                .param("t", task)
                .param("u", labeler)
                .query(Long.class)
                .single();
    }
}
