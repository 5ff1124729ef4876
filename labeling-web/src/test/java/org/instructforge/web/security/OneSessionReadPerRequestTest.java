package org.instructforge.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;

/** Within one request a session is read from the store once; every request and every caller outside one reads it. */
class OneSessionReadPerRequestTest {

    private final CountingStore store = new CountingStore();
    private final OneSessionReadPerRequest<MapSession> sessions = new OneSessionReadPerRequest<>(store);

    @Test
    void aRequestReadsItsSessionFromTheStoreOnce() throws Exception {
        String id = saved().getId();
        List<MapSession> seen = new ArrayList<>();

        inRequest(() -> {
            for (int i = 0; i < 3; i++) {
                seen.add(sessions.findById(id));
            }
        });

        assertThat(store.reads).isEqualTo(1);
        assertThat(seen).allSatisfy(session -> assertThat(session).isSameAs(seen.get(0)));
    }

    @Test
    void eachRequestReadsAgainAndSeesWhatOthersWrote() throws Exception {
        String id = saved().getId();
        inRequest(() -> sessions.findById(id));
        // Another replica ends the session (as Accounts does) between this browser's two requests.
        MapSession elsewhere = store.findById(id);
        elsewhere.setAttribute("ended", true);
        store.save(elsewhere);

        inRequest(() -> assertThat((Boolean) sessions.findById(id).getAttribute("ended"))
                .isTrue());
    }

    @Test
    void outsideARequestEveryReadGoesToTheStore() {
        String id = saved().getId();

        sessions.findById(id);
        sessions.findById(id);

        assertThat(store.reads).isEqualTo(2);
    }

    @Test
    void aSessionWhoseIdChangedIsNotFoundByItsOldIdLaterInTheRequest() throws Exception {
        String oldId = saved().getId();

        inRequest(() -> {
            MapSession session = sessions.findById(oldId);
            session.changeSessionId(); // sign-in's protection against session fixation
            sessions.save(session);
            assertThat(sessions.findById(oldId)).isNull();
            assertThat(sessions.findById(session.getId())).isNotNull();
        });
    }

    @Test
    void aDeletedSessionIsGoneLaterInTheRequest() throws Exception {
        String id = saved().getId();

        inRequest(() -> {
            sessions.findById(id);
            sessions.deleteById(id); // sign-out
            assertThat(sessions.findById(id)).isNull();
        });
    }

    private MapSession saved() {
        MapSession session = sessions.createSession();
        sessions.save(session);
        return session;
    }

    /** Runs the body as a request's filter chain, inside the scope the application opens around Spring Session. */
    private void inRequest(Runnable body) throws Exception {
        new OneSessionReadPerRequest.RequestScope()
                .doFilter(
                        new MockHttpServletRequest(),
                        new MockHttpServletResponse(),
                        new MockFilterChain(new HttpServlet() {
                            @Override
                            protected void service(HttpServletRequest request, HttpServletResponse response) {
                                body.run();
                            }
                        }));
    }

    /** Sessions in memory, counting the reads by id (each read returns a copy, as a database read would). */
    private static final class CountingStore implements FindByIndexNameSessionRepository<MapSession> {
        private final MapSessionRepository sessions = new MapSessionRepository(new ConcurrentHashMap<>());
        int reads;

        @Override
        public MapSession createSession() {
            return sessions.createSession();
        }

        @Override
        public void save(MapSession session) {
            sessions.save(session);
        }

        @Override
        public MapSession findById(String id) {
            reads++;
            return sessions.findById(id);
        }

        @Override
        public void deleteById(String id) {
            sessions.deleteById(id);
        }

        @Override
        public Map<String, MapSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
            return Map.of();
        }
    }
}
