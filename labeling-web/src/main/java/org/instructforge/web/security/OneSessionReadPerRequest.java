package org.instructforge.web.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The browser session store as one request sees it: the first read of a session in a request goes to PostgreSQL, and
 * later reads of the same session in that request get the session that read returned.
 *
 * <p>Without this a signed-in request read its session row three times, each a transaction and a SELECT whose
 * attributes (the security context, the CSRF token) were deserialised again: Spring Session's filter when the request
 * first asks for its session; Spring Security's concurrent-session check through the session registry
 * ({@code SpringSessionBackedSessionRegistry.getSessionInformation}), to see whether an admin ended the session; and
 * Spring Session's filter again when it commits the session a second time as the request ends (it commits once when
 * the response is committed, a redirect or a flushed page, and then looks the session up by its cookie again only to
 * compare ids). With the write of its last-access time, that was four session transactions a request, about half of
 * what the queue benchmark sent PostgreSQL (README, Benchmarks).
 *
 * <p>The later reads come microseconds after the first, inside the request that holds the session, so they could
 * differ from it only by this request's own changes, which the remembered session carries. Other requests and other
 * replicas still read the row, so an account's sessions ended by an admin (Accounts) are seen by each one's next
 * request. Outside a request (an export's streaming thread, the expired-session cleanup) every read goes to the
 * store.
 */
final class OneSessionReadPerRequest<S extends Session> implements FindByIndexNameSessionRepository<S> {

    /** The sessions read on this thread during the request it serves; none outside a request. */
    private static final ThreadLocal<Map<String, Session>> READ_IN_THIS_REQUEST = new ThreadLocal<>();

    private final FindByIndexNameSessionRepository<S> store;

    OneSessionReadPerRequest(FindByIndexNameSessionRepository<S> store) {
        this.store = store;
    }

    @Override
    public S createSession() {
        return store.createSession();
    }

    @Override
    public void save(S session) {
        store.save(session);
    }

    @Override
    @SuppressWarnings("unchecked")
    public S findById(String id) {
        Map<String, Session> read = READ_IN_THIS_REQUEST.get();
        if (read == null) {
            return store.findById(id);
        }
        Session known = read.get(id);
        // A session whose id this request changed (sign-in) is no longer found by its old id.
        if (known != null && known.getId().equals(id) && !known.isExpired()) {
            return (S) known;
        }
        S session = store.findById(id);
        if (session != null) {
            read.put(id, session);
        }
        return session;
    }

    @Override
    public void deleteById(String id) {
        Map<String, Session> read = READ_IN_THIS_REQUEST.get();
        if (read != null) {
            read.remove(id);
        }
        store.deleteById(id);
    }

    @Override
    public Map<String, S> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        return store.findByIndexNameAndIndexValue(indexName, indexValue);
    }

    /**
     * Opens the request's memory of read sessions around everything after it, Spring Session's filter included (so it
     * is ordered before that filter), and forgets it when the request ends.
     */
    static final class RequestScope extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            READ_IN_THIS_REQUEST.set(new HashMap<>());
            try {
                chain.doFilter(request, response);
            } finally {
                READ_IN_THIS_REQUEST.remove();
            }
        }
    }
}
