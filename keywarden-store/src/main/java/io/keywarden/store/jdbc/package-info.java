/**
 * The JDBC implementation of {@link io.keywarden.store.Store}: SQLite (embedded, the default)
 * and PostgreSQL (clusters), with Flyway migrations per dialect and a HikariCP pool.
 *
 * <p>{@link io.keywarden.store.jdbc.JdbcStore} is the only public type. The rest is one small
 * class per table, plus the transaction runner, the cursor codec and the pager.
 */
package io.keywarden.store.jdbc;
