/**
 * The error catalogue: stable codes, their HTTP status and public messages, and the exception
 * that carries one. Every layer (store, server, gateway) reports client errors through it.
 */
package io.keywarden.core.errors;
