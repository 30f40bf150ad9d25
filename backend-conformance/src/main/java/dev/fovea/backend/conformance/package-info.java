/**
 * The backend conformance suite: {@link dev.fovea.backend.conformance.BackendConformanceTest}, an
 * abstract JUnit 5 class a backend's test sources extend to check every kernel of the SPI against an
 * independent double-precision reference and known values.
 */
package dev.fovea.backend.conformance;
