package dev.fovea.dl4jref;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.layers.LayerHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Deeplearning4j 1.0.0-M2.1 reference for Fovea's LeNet training benchmark.
 *
 * <p>Network: conv 5x5 1->32 (pad 2) + ReLU, max-pool 2x2/2, conv 5x5 32->64 (pad 2) + ReLU,
 * max-pool 2x2/2, dense 3136->128 ReLU, output 128->10 softmax with MCXENT (negative
 * log-likelihood of the softmax). Batch 64, float32, NCHW, random images and labels from a fixed
 * seed.
 *
 * <p>Updater: DL4J has no plain (heavy-ball) momentum SGD; {@code Sgd} has no momentum and
 * {@code Nesterovs} is its only momentum updater, so {@code Nesterovs(0.01, 0.9)} is used as the
 * closest equivalent (same per-step cost: one velocity buffer, a few element-wise ops).
 *
 * <p>Output: one JSON line on stdout; diagnostics on stderr.
 */
public final class Dl4jLenet {

    private static final int BATCH = 64;
    private static final long SEED = 42L;

    public static void main(String[] args) {
        int threads = 1;
        String helpers = "none";
        int warmupSteps = 20;
        double warmupSeconds = 5.0;
        int windows = 5;
        int stepsPerWindow = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--helpers" -> helpers = args[++i];
                case "--warmup-steps" -> warmupSteps = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--steps-per-window" -> stepsPerWindow = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (!helpers.equals("none") && !helpers.equals("onednn")) {
            throw new IllegalArgumentException("--helpers must be none or onednn");
        }

        // Loads the backend. OMP_NUM_THREADS must already be set by the launcher (run.sh);
        // these calls pin libnd4j's own thread pools and OpenBLAS as well.
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);

        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        err("nd4j env: backend=" + env.getProperty("backend")
                + " blas.vendor=" + env.get("blas.vendor")
                + " omp.threads=" + env.get("omp.threads")
                + " env.maxThreads=" + Nd4j.getEnvironment().maxThreads()
                + " env.maxMasterThreads=" + Nd4j.getEnvironment().maxMasterThreads()
                + " blas.maxThreads=" + Nd4j.factory().blas().getMaxThreads()
                + " helpersAllowed=" + Nd4j.getEnvironment().helpersAllowed()
                + " OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")
                + " org.eclipse.deeplearning4j.helpers.disable="
                + System.getProperty("org.eclipse.deeplearning4j.helpers.disable", "(unset: true)"));
        String nativeBuild = nativeBuildClassifier();
        err("libnd4j native build: " + nativeBuild);
        if (helpers.equals("onednn") != nativeBuild.contains("onednn")) {
            throw new IllegalStateException("--helpers " + helpers + " but the native build on the classpath is "
                    + nativeBuild + " (use the matching Maven profile, see run.sh)");
        }

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new Nesterovs(0.01, 0.9))
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(32).stride(1, 1).padding(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(64).stride(1, 1).padding(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1)) // NCHW
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        err("parameters: " + net.numParams() + " (expected 454922); dense nIn="
                + ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) net.getLayer(4).conf().getLayer()).getNIn());

        Nd4j.getRandom().setSeed(SEED);
        INDArray features = Nd4j.rand(DataType.FLOAT, BATCH, 1, 28, 28);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, BATCH, 10);
        java.util.Random rnd = new java.util.Random(SEED);
        for (int i = 0; i < BATCH; i++) {
            labels.putScalar(i, rnd.nextInt(10), 1.0f);
        }
        DataSet batch = new DataSet(features, labels);

        // Warm-up: at least warmupSteps steps AND warmupSeconds seconds.
        long t0 = System.nanoTime();
        int warm = 0;
        while (warm < warmupSteps || (System.nanoTime() - t0) < warmupSeconds * 1e9) {
            net.fit(batch);
            warm++;
        }
        double warmSec = (System.nanoTime() - t0) / 1e9;
        err(String.format(Locale.ROOT, "warm-up: %d steps in %.2f s (%.1f samples/s), score %.4f",
                warm, warmSec, warm * BATCH / warmSec, net.score()));

        Map<String, String> layerHelpers = layerHelpers(net);
        err("layer helpers after warm-up: " + layerHelpers);
        if (helpers.equals("onednn") && !layerHelpers.values().stream().anyMatch(v -> v.startsWith("MKLDNN"))) {
            err("WARNING: onednn build but no DL4J MKLDNN layer helper is active (stock M2.1 without the shim?)");
        }

        double[] rates = new double[windows];
        for (int w = 0; w < windows; w++) {
            long s = System.nanoTime();
            for (int i = 0; i < stepsPerWindow; i++) {
                net.fit(batch);
            }
            double sec = (System.nanoTime() - s) / 1e9;
            rates[w] = stepsPerWindow * BATCH / sec;
            err(String.format(Locale.ROOT, "window %d: %.2f s, %.1f samples/s, score %.4f", w, sec, rates[w],
                    net.score()));
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

        List<String> ws = new ArrayList<>();
        for (double r : rates) {
            ws.add(fmt(r));
        }
        StringBuilder lh = new StringBuilder("{");
        layerHelpers.forEach((k, v) -> lh.append(lh.length() > 1 ? "," : "").append('"').append(k)
                .append("\":\"").append(v).append('"'));
        lh.append('}');
        System.out.println("{\"framework\":\"Deeplearning4j 1.0.0-M2.1\",\"threads\":" + threads
                + ",\"helpers\":\"" + helpers + "\",\"trainSamplesPerSecond\":" + fmt(median)
                + ",\"windows\":[" + String.join(",", ws) + "]"
                + ",\"nativeBuild\":\"" + nativeBuild + "\",\"onednnShim\":" + Boolean.getBoolean("fovea.dl4jref.onednnShim")
                + ",\"layerHelpers\":" + lh + "}");
        System.out.flush();
        // libnd4j's native thread pools can delay a normal JVM exit.
        System.exit(0);
    }

    /** Which DL4J layer helper (if any) each conv / pooling layer actually instantiated. */
    private static Map<String, String> layerHelpers(MultiLayerNetwork net) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer l = net.getLayer(i);
            LayerHelper h = l.getHelper();
            if (l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
                    || l instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer) {
                out.put(i + ":" + l.getClass().getSimpleName(), h == null ? "builtin" : h.getClass().getSimpleName());
            }
        }
        return out;
    }

    /** The classifier directory the JavaCPP loader took libnd4jcpu from (linux-x86_64 or linux-x86_64-onednn). */
    private static String nativeBuildClassifier() {
        String prefix = "org/nd4j/linalg/cpu/nativecpu/bindings/";
        for (String c : new String[] {"linux-x86_64-onednn-avx512", "linux-x86_64-onednn-avx2",
                "linux-x86_64-onednn", "linux-x86_64-avx512", "linux-x86_64-avx2", "linux-x86_64"}) {
            if (Dl4jLenet.class.getClassLoader().getResource(prefix + c + "/libnd4jcpu.so") != null) {
                return c;
            }
        }
        return "unknown";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static void err(String s) {
        System.err.println("[dl4j-lenet] " + s);
    }
}
