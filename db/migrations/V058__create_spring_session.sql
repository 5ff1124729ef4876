-- Browser sessions, kept in PostgreSQL by Spring Session JDBC so that every labeling-web replica serves every
-- signed-in request and a replica can stop without signing anyone out (security/SecurityConfiguration). This is the
-- PostgreSQL schema Spring Session ships (org/springframework/session/jdbc/schema-postgresql.sql in
-- spring-session-jdbc 4.0), unchanged, so its queries find the names they expect; Spring's own schema
-- initialisation is off (spring.session.jdbc.initialize-schema: never) and the schema changes only here.
-- PRINCIPAL_NAME is the signed-in user name: disabling an account finds and ends its sessions through it
-- (account/Accounts). Expired rows are deleted by every replica's cleanup job (spring.session.jdbc.cleanup-cron).
CREATE TABLE SPRING_SESSION (
    PRIMARY_ID CHAR(36) NOT NULL,
    SESSION_ID CHAR(36) NOT NULL,
    CREATION_TIME BIGINT NOT NULL,
    LAST_ACCESS_TIME BIGINT NOT NULL,
    MAX_INACTIVE_INTERVAL INT NOT NULL,
    EXPIRY_TIME BIGINT NOT NULL,
    PRINCIPAL_NAME VARCHAR(100),
    CONSTRAINT SPRING_SESSION_PK PRIMARY KEY (PRIMARY_ID)
);

CREATE UNIQUE INDEX SPRING_SESSION_IX1 ON SPRING_SESSION (SESSION_ID);
CREATE INDEX SPRING_SESSION_IX2 ON SPRING_SESSION (EXPIRY_TIME);
CREATE INDEX SPRING_SESSION_IX3 ON SPRING_SESSION (PRINCIPAL_NAME);

CREATE TABLE SPRING_SESSION_ATTRIBUTES (
    SESSION_PRIMARY_ID CHAR(36) NOT NULL,
    ATTRIBUTE_NAME VARCHAR(200) NOT NULL,
    ATTRIBUTE_BYTES BYTEA NOT NULL,
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_PK PRIMARY KEY (SESSION_PRIMARY_ID, ATTRIBUTE_NAME),
    CONSTRAINT SPRING_SESSION_ATTRIBUTES_FK FOREIGN KEY (SESSION_PRIMARY_ID) REFERENCES SPRING_SESSION (PRIMARY_ID)
        ON DELETE CASCADE
);
