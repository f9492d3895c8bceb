/** Typed, time-ordered identifiers ({@code ws_}, {@code proj_}, {@code usr_}, {@code key_}, {@code evt_}). */
package io.keywarden.core.ids;
