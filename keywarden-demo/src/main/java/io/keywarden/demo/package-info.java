/**
 * The five reference systems on Keywarden: their profiles (the configurations in {@code
 * examples/}), the demo runner behind {@code keywarden demo <system>}, and the walkthrough of
 * ready-to-paste commands it prints.
 */
package io.keywarden.demo;
