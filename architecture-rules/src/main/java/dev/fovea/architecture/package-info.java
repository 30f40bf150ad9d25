/**
 * Test support: the ArchUnit rules and helpers shared by every Fovea module's architecture test
 * ({@link dev.fovea.architecture.ArchitectureRules}). Modules depend on it in test scope only; each
 * keeps its own architecture test and the fixtures that prove its rules bite.
 */
package dev.fovea.architecture;
