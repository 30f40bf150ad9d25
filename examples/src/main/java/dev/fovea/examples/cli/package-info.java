/**
 * The commands of the {@code fovea} program (picocli) and what they share: the common options
 * {@code --json} and {@code --device} ({@link dev.fovea.examples.cli.CommonOptions}), device
 * selection, JSON output ({@link dev.fovea.examples.cli.Json}) and error handling with exit code 2
 * for anything the user typed wrong.
 */
package dev.fovea.examples.cli;
