/**
 * Gateway routes: path patterns, what each route demands of a request (authentication, key types,
 * scopes, project selection, credential sources) and where it goes (upstream, error style,
 * rate-limit group), and the immutable {@link io.keywarden.core.routes.RouteTable} that matches a
 * request to its most precise route in time proportional to the path's segments.
 *
 * <p>Pure: no I/O and no configuration parsing. Configuration loaders build {@link
 * io.keywarden.core.routes.Route}s with {@link io.keywarden.core.routes.Route#builder}, which names
 * the offending setting ({@code routes[3].path: ...}) in every {@link
 * io.keywarden.core.routes.RouteConfigException}. Request paths are parsed once into a {@link
 * io.keywarden.core.routes.RequestPath}, which refuses path tricks ({@code ..}, encoded slashes,
 * backslashes, ...) with a stable {@link io.keywarden.core.routes.PathProblem} instead of
 * normalizing them.
 */
package io.keywarden.core.routes;
