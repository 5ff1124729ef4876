package org.instructforge.web.security;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.PostgreSqlJdbcIndexedSessionRepositoryCustomizer;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * How the browser sessions in PostgreSQL (Spring Session JDBC) are read and written.
 *
 * <p>Each session is read once per request ({@link OneSessionReadPerRequest}): the store Spring Session's filter and
 * the session registry use is that wrapper around Spring Session's repository, and its memory of the request's reads
 * opens before Spring Session's filter and closes after it.
 *
 * <p>Saving a session twice at once stores it once. A new session's streamed answer (an export) is committed from the
 * request's thread and from the thread that writes the response, and both then saw it as new: two INSERTs, the second
 * a duplicate key and a 500 (Spring Session JDBC's race on new sessions, spring-session #1213, #2564). PostgreSQL's
 * upserts make both saves succeed: attributes by Spring Session's own customizer, the session row here.
 */
@Configuration(proxyBeanMethods = false)
class SessionStoreConfiguration {

    private static final String CREATE_SESSION = "INSERT INTO %TABLE_NAME% (PRIMARY_ID, SESSION_ID, CREATION_TIME,"
            + " LAST_ACCESS_TIME, MAX_INACTIVE_INTERVAL, EXPIRY_TIME, PRINCIPAL_NAME) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (PRIMARY_ID) DO NOTHING";

    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> concurrentSessionSaves() {
        return repository -> {
            new PostgreSqlJdbcIndexedSessionRepositoryCustomizer().customize(repository);
            repository.setCreateSessionQuery(CREATE_SESSION);
        };
    }

    /** Puts {@link OneSessionReadPerRequest} between Spring Session (its filter, the registry) and its repository. */
    @Bean
    static BeanPostProcessor oneSessionReadPerRequest() {
        return new BeanPostProcessor() {
            @Override
            @SuppressWarnings("unchecked")
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof JdbcIndexedSessionRepository store
                        ? new OneSessionReadPerRequest<>(
                                (FindByIndexNameSessionRepository<Session>) (FindByIndexNameSessionRepository<?>) store)
                        : bean;
            }
        };
    }

    @Bean
    FilterRegistrationBean<OneSessionReadPerRequest.RequestScope> oneSessionReadPerRequestScope() {
        FilterRegistrationBean<OneSessionReadPerRequest.RequestScope> scope =
                new FilterRegistrationBean<>(new OneSessionReadPerRequest.RequestScope());
        scope.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
        return scope;
    }
}
