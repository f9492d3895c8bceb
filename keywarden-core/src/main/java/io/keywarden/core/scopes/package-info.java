/**
 * Scopes: a configurable vocabulary with implication ({@code admin ⊇ write ⊇ agentic}) and
 * wildcards ({@code *}, {@code ns:*}), compiled to bitsets; and requirements made of alternative
 * sets of scopes.
 */
package io.keywarden.core.scopes;
