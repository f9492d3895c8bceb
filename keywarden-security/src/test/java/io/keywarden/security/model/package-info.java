/**
 * The reference authorization model ({@link io.keywarden.security.model.ReferenceModel}): the
 * product's rules and the documented order of checks written as plainly as possible, and a jqwik
 * property that compares it with the real gateway and verify API over HTTP on generated worlds.
 */
package io.keywarden.security.model;
