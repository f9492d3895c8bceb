/** Test fixtures: a hand-moved clock, an in-memory access directory and a small deployment. */
package io.keywarden.core.testing;
