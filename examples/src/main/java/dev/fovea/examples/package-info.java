/**
 * The {@code fovea} command-line program and its runnable demonstrations.
 *
 * <p>{@link dev.fovea.examples.FoveaMain} is the entry point of {@code examples/target/fovea.jar};
 * the commands live in {@link dev.fovea.examples.cli}, the computations they show in sub-packages
 * such as {@link dev.fovea.examples.peaks}. Examples use the framework only through {@code core}
 * and the {@code api}: backends are found at run time, never named in code.
 */
package dev.fovea.examples;
