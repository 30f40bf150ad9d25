package org.nd4j.nativeblas;

/**
 * Compatibility shim for a stale class name in Deeplearning4j 1.0.0-M2.1 (harness only, not part of Fovea).
 *
 * <p>DL4J 1.0.0-M2.1's {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} checks
 * whether oneDNN is usable by reflecting on {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}.
 * In 1.0.0-M2.1 that class lives at {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and the
 * method is called {@code isUseONEDNN()}, so the lookup throws, the check returns false, and every
 * {@code MKLDNN*Helper} (conv, pooling, batch-norm, LRN) silently falls back to the built-in implementation, even
 * on the {@code linux-x86_64-onednn} native build. This class answers that reflective lookup by delegating to the
 * real M2.1 binding, so the oneDNN layer helpers can be measured.
 *
 * <p>Off unless {@code -Dfovea.dl4jref.onednnShim=true} (run.sh sets it for {@code --helpers onednn} unless
 * {@code --no-shim} is given); when off, {@link Environment#getInstance()} throws exactly as the missing class
 * would make DL4J's check fail, reproducing stock M2.1 behaviour.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            if (!Boolean.getBoolean("fovea.dl4jref.onednnShim")) {
                throw new UnsupportedOperationException("fovea.dl4jref.onednnShim is off (stock DL4J 1.0.0-M2.1 behaviour)");
            }
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
