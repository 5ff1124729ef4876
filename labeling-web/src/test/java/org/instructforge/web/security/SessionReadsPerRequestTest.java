package org.instructforge.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.instructforge.shared.Role;
import org.instructforge.web.account.Accounts;
import org.instructforge.web.account.Person;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.test.web.servlet.MockMvc;

/**
 * A signed-in request reads its session row from PostgreSQL once (OneSessionReadPerRequest), where Spring Session's
 * filter and Spring Security's session registry read it three times between them; and a session an admin ends is
 * still ended at the next request.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SessionReadsPerRequestTest {

    /** Spring Session JDBC's read of one session by its id (JdbcIndexedSessionRepository's GET_SESSION_QUERY). */
    private static final String SESSION_READ = "WHERE S.SESSION_ID = ?";

    /** Session reads prepared on the test's thread (MockMvc serves a request on the caller's thread). */
    static final ThreadLocal<AtomicInteger> SESSION_READS = ThreadLocal.withInitial(AtomicInteger::new);

    @Autowired
    MockMvc mvc;

    @Autowired
    Accounts accounts;

    @Test
    void aPageAndARedirectEachReadTheSessionOnce() throws Exception {
        Cookie session = signIn(labeler().username());

        assertThat(readsOf(() -> mvc.perform(get("/labeler").cookie(session)).andExpect(status().isOk())))
                .isEqualTo(1);
        assertThat(readsOf(() -> mvc.perform(get("/labeler/next")
                                .param("kind", "DEMONSTRATION")
                                .cookie(session))
                        .andExpect(status().is3xxRedirection())))
                .isEqualTo(1);
    }

    @Test
    void aSessionEndedBetweenTwoRequestsIsEndedAtTheSecond() throws Exception {
        Person person = labeler();
        Cookie session = signIn(person.username());
        mvc.perform(get("/labeler").cookie(session)).andExpect(status().isOk());

        accounts.changeAccess(person.id(), false, "admin");

        mvc.perform(get("/labeler").cookie(session)).andExpect(redirectedUrl("/login?ended"));
    }

    private interface Request {
        void perform() throws Exception;
    }

    private static int readsOf(Request request) throws Exception {
        SESSION_READS.get().set(0);
        request.perform();
        return SESSION_READS.get().get();
    }

    private Person labeler() {
        String name = "reads-" + UUID.randomUUID().toString().substring(0, 8);
        return accounts.create(name, name, "reads-password", Set.of(Role.LABELER), null);
    }

    private Cookie signIn(String name) throws Exception {
        return mvc.perform(formLogin("/login").user(name).password("reads-password"))
                .andExpect(redirectedUrl("/"))
                .andReturn()
                .getResponse()
                .getCookie("SESSION");
    }

    /** The application's DataSource, counting the statements that read a session by id. */
    @TestConfiguration
    static class CountSessionReads {

        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    return bean instanceof DataSource dataSource ? counting(dataSource) : bean;
                }
            };
        }

        private static DataSource counting(DataSource dataSource) {
            return (DataSource) Proxy.newProxyInstance(
                    DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        Object result = invoke(dataSource, method, args);
                        return result instanceof Connection connection ? counting(connection) : result;
                    });
        }

        private static Connection counting(Connection connection) {
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("prepareStatement")
                                && args[0] instanceof String sql
                                && sql.contains(SESSION_READ)) {
                            SESSION_READS.get().incrementAndGet();
                        }
                        return invoke(connection, method, args);
                    });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
