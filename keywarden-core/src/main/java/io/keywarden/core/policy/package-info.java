/**
 * A deployment's access model (scopes, environments, prefixes, lifetimes, roles, plans) and the
 * issuer that validates key requests against it and makes keys.
 */
package io.keywarden.core.policy;
