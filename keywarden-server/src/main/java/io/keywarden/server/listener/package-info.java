/**
 * What both listeners (the API and the gateway) do below HTTP routing: time limits on slow or idle
 * clients ({@link io.keywarden.server.listener.ConnectionGuard}) and the optional TLS certificate,
 * re-read when its files change ({@link io.keywarden.server.listener.TlsCertificate}).
 */
package io.keywarden.server.listener;
