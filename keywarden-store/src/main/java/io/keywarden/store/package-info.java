/**
 * Durable storage of tenants, keys and the audit trail behind one {@link io.keywarden.store.Store}
 * interface, with cursor pagination; JDBC implementations live in {@code io.keywarden.store.jdbc}.
 */
package io.keywarden.store;
