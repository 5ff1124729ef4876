package org.instructforge.web.account;

import java.time.Instant;

/**
 * A one-time link as its admin sees it, once: the path holds the only copy of the token there will ever be.
 *
 * @param path the link's path, e.g. {@code /invitations/TOKEN}; the controllers make it absolute
 */
public record IssuedLink(long userId, String username, String purpose, String path, Instant expiresAt) {}
