/** The {@code keywarden} command line: the launcher of the server and tools around the data directory. */
package io.keywarden.cli;
