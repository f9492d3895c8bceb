/**
 * Rate limits in the server: the backends (in-process, Redis), the configuration that selects
 * policies per request, and the response headers.
 */
package io.keywarden.server.ratelimit;
