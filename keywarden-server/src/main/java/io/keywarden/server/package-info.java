/** Keywarden's HTTP server: configuration, start-up, the management API and the verification API. */
package io.keywarden.server;
