/**
 * Network identity checks for keys: literal IP addresses and CIDR blocks (IPv4 and IPv6, no
 * name resolution) and allowed browser origins.
 */
package io.keywarden.core.net;
