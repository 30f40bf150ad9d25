/**
 * JMH benchmarks of Fovea's kernels through core's API, on the default device (the CPU backend
 * unless {@code -Dfovea.backend} says otherwise). Build with {@code mvn package}, run with
 * {@code java -jar benchmarks/target/benchmarks.jar} (all) or e.g. {@code ... benchmarks.jar Sgemm -p n=1024}.
 * Every fork runs with {@code --add-modules jdk.incubator.vector}; pass {@code -jvmArgsAppend
 * -Dfovea.cpu.threads=1} to measure one thread. {@code fovea bench} is the quick, whole-picture
 * counterpart with a PyTorch reference.
 */
package dev.fovea.benchmarks;
