/** Test helpers shared by every module's tests: a clock that tests move, and log capture. */
package io.keywarden.testkit;
