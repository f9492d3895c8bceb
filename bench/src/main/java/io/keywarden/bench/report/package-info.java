/** Turns the raw outputs of {@code bench/run} into the Markdown summary and the PNG chart. */
package io.keywarden.bench.report;
