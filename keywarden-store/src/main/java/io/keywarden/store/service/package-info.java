/**
 * Keywarden as a library: the {@link io.keywarden.store.service.Keywarden} facade that wires store,
 * cache and decision engines; the key service (create, update, rotate, revoke); and the deployment
 * secret file.
 */
package io.keywarden.store.service;
