/**
 * What both listeners (the API and the gateway) do below HTTP routing: time limits on slow or idle
 * clients ({@link io.keywarden.server.listener.ConnectionGuard}), a strict HTTP/1.x decoder that
 * refuses heads with ambiguous framing, CONNECT and non-HTTP/1.x versions ({@link
 * io.keywarden.server.listener.StrictRequestDecoder}, put in place by the guard), and the optional
 * TLS certificate, re-read when its files change ({@link io.keywarden.server.listener.TlsCertificate}).
 */
package io.keywarden.server.listener;
