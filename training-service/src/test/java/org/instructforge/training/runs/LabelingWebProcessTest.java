package org.instructforge.training.runs;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The fixture of the tests that meet labeling-web as its users do: this service on its test database (embedded
 * PostgreSQL), labeling-web started once per class as its own process (the packaged jar, demo accounts) on that
 * database, and the shipped base model registered, as after a restart of the worker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LabelingWebProcessTest {

    static final String ADMIN = "admin";
    static final String ENGINEER = "engineer";

    @Autowired
    RunWorker worker;

    @Autowired
    HikariDataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    LabelingWebProcess web;

    @BeforeAll
    void startLabelingWeb() throws Exception {
        web = LabelingWebProcess.start(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
        worker.recoverAfterRestart(); // registers the shipped base model
    }

    @AfterAll
    void stopLabelingWeb() throws Exception {
        if (web != null) {
            web.close();
        }
    }
}
