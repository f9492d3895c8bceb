/**
 * Small demo upstreams, one per reference system, serving its documented endpoints with plausible
 * JSON in its envelope and pagination style, scoped by the identity headers Keywarden forwards.
 */
package io.keywarden.demo.upstream;
