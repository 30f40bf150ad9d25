/**
 * Standalone Deeplearning4j 1.0.0-M2.1 reference for Fovea's LeNet training benchmark ({@link dev.fovea.dl4jref.Dl4jLenet}).
 * Kept out of the Fovea reactor on purpose: see this project's README.md.
 */
package dev.fovea.dl4jref;
