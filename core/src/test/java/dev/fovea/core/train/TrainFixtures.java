package dev.fovea.core.train;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Optimizer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.InMemoryDataset;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A model, optimizer, loss and data made from tensor ops only, so these tests need no nn or optim package. */
final class TrainFixtures {
    static final Device CPU = Devices.get("cpu");
    static final int CLASSES = 3;

    private TrainFixtures() {}

    /** How one forward call ran. */
    record ForwardCall(boolean training, boolean noGrad, int batchSize, float firstInput) {}

    /**
     * {@code flatten(1) · w + b}, a softmax regression; records every forward call, and keeps the
     * inputs it was given and the outputs it returned so tests can check they were closed.
     */
    static final class TinyLinear implements Layer {
        final Tensor weight;
        final Tensor bias;
        final List<ForwardCall> calls = new ArrayList<>();
        final List<Tensor> inputsSeen = new ArrayList<>();
        final List<Tensor> outputsReturned = new ArrayList<>();
        private boolean training = true;

        TinyLinear(int features, int classes, long seed) {
            weight = Tensors.normal(CPU, DType.FLOAT32, Shape.of(features, classes), 0, 0.1, new RandomSource(seed))
                    .requiresGrad(true);
            bias = Tensors.zeros(CPU, DType.FLOAT32, Shape.of(classes)).requiresGrad(true);
        }

        @Override
        public Tensor forward(Tensor input) {
            calls.add(new ForwardCall(training, NoGrad.isActive(), input.shape().dim(0),
                    input.flatten(0).slice(0, 0, 1).toFloatArray()[0]));
            inputsSeen.add(input);
            Tensor out = input.flatten(1).matmul(weight).add(bias);
            outputsReturned.add(out);
            return out;
        }

        @Override
        public Map<String, Tensor> localParameters() {
            Map<String, Tensor> p = new LinkedHashMap<>();
            p.put("weight", weight);
            p.put("bias", bias);
            return p;
        }

        @Override
        public boolean isTraining() {
            return training;
        }

        @Override
        public void setTraining(boolean training) {
            this.training = training;
        }

        float[] weights() {
            return weight.toFloatArray();
        }
    }

    /** Plain SGD: {@code p -= lr * grad}. */
    static final class TestSgd implements Optimizer {
        private final List<Tensor> parameters;
        private double lr;
        int steps;

        TestSgd(Layer model, double lr) {
            this.parameters = List.copyOf(model.parameters().values());
            this.lr = lr;
        }

        @Override
        @SuppressWarnings("try")
        public void step() {
            steps++;
            try (NoGrad scope = NoGrad.enter()) {
                for (Tensor p : parameters) {
                    Tensor g = p.grad();
                    if (g != null) {
                        p.assign(p.sub(g.mul(lr)));
                    }
                }
            }
        }

        @Override
        public void zeroGrad() {
            parameters.forEach(Tensor::zeroGrad);
        }

        @Override
        public double learningRate() {
            return lr;
        }

        @Override
        public void setLearningRate(double learningRate) {
            lr = learningRate;
        }

        @Override
        public List<Tensor> parameters() {
            return parameters;
        }
    }

    /** Mean cross-entropy from logits {@code [n, c]} and INT32 labels {@code [n]}: logSoftmax and a one-hot mask. */
    static Tensor crossEntropy(Tensor logits, Tensor labels) {
        int n = logits.shape().dim(0);
        int c = logits.shape().dim(1);
        Tensor classes = Tensors.arange(logits.device(), logits.dtype(), c).reshape(1, c);
        Tensor oneHot = classes.eq(labels.to(logits.dtype()).reshape(n, 1));
        return logits.logSoftmax(1).mul(oneHot).sum().mul(-1.0 / n);
    }

    /**
     * {@code n} points shaped {@code [1, 2]} in three Gaussian blobs (standard deviation 0.5) centred
     * 3 apart on a circle: separable but for a rare outlier.
     */
    static InMemoryDataset blobs(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % CLASSES;
            double angle = 2 * Math.PI * k / CLASSES;
            x[2 * i] = (float) (3 * Math.cos(angle) + 0.5 * r.nextGaussian());
            x[2 * i + 1] = (float) (3 * Math.sin(angle) + 0.5 * r.nextGaussian());
            y[i] = k;
        }
        return InMemoryDataset.of(Shape.of(1, 2), x, y, CLASSES);
    }

    static DataLoader loader(InMemoryDataset data, int batchSize) {
        return DataLoader.over(data).batchSize(batchSize).device(CPU);
    }

    /** The fraction of {@code data} the model classifies correctly, computed on the host from its weights. */
    static double hostAccuracy(TinyLinear model, InMemoryDataset data) {
        float[] w = model.weight.toFloatArray();
        float[] b = model.bias.toFloatArray();
        float[] ex = new float[2];
        int correct = 0;
        for (int i = 0; i < data.size(); i++) {
            data.copyExample(i, ex, 0);
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < CLASSES; k++) {
                double score = ex[0] * w[k] + ex[1] * w[CLASSES + k] + b[k];
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
            correct += best == data.label(i) ? 1 : 0;
        }
        return (double) correct / data.size();
    }
}
