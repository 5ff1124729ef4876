package org.instructforge.web.account;

/**
 * Published inside the transaction that disables an account, so that what the account held (its task leases) is
 * let go of at once and in the same commit.
 */
public record AccountDisabled(long userId) {}
