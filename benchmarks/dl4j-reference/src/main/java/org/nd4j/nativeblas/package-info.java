/**
 * A class-name shim for Deeplearning4j 1.0.0-M2.1 so its oneDNN layer helpers can be measured (see
 * {@link org.nd4j.nativeblas.Nd4jCpu}); part of the benchmark harness only, never of Fovea.
 */
package org.nd4j.nativeblas;
