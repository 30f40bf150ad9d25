package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.Tensors;
import java.util.Arrays;

/**
 * The batch normalisation shared by {@link BatchNorm1d} and {@link BatchNorm2d}, with PyTorch's
 * conventions: channels on axis 1; training mode normalises with the batch mean and biased variance
 * and updates {@code running = (1 - momentum) * running + momentum * batch} in place, using the
 * unbiased variance for {@code running_var}; evaluation mode normalises with the running statistics.
 *
 * <p>Buffers: {@code running_mean [C]} (zeros), {@code running_var [C]} (ones), both in the layer's
 * dtype, and {@code num_batches_tracked}, a rank-0 INT32 counter of training steps (incremented in the
 * layer's dtype, so exact up to 2^24 steps with FLOAT32).
 */
abstract class BatchNorm extends AbstractLayer {
    private final int features;
    private final double eps;
    private final double momentum;
    private final boolean affine;
    private final DType dtype;

    BatchNorm(LayerConfig<?> config, Device device, int features, double eps, double momentum, boolean affine,
            DType dtype) {
        super(config);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.dtype = dtype;
        if (affine) {
            registerParameter("weight", Tensors.ones(device, dtype, Shape.of(features)));
            registerParameter("bias", Tensors.zeros(device, dtype, Shape.of(features)));
        }
        registerBuffer("running_mean", Tensors.zeros(device, dtype, Shape.of(features)));
        registerBuffer("running_var", Tensors.ones(device, dtype, Shape.of(features)));
        registerBuffer("num_batches_tracked", Tensors.zeros(device, DType.INT32, Shape.scalar()));
    }

    /** Rejects the invalid settings of a config of layer type {@code type}, naming it in the message. */
    static void checkConfig(String type, int numFeatures, double eps, double momentum, DType dtype) {
        checkArgument(numFeatures >= 1, "%s: number of features must be >= 1, got %s", type, numFeatures);
        checkArgument(eps > 0 && Double.isFinite(eps), "%s: eps must be > 0, got %s", type, eps);
        checkArgument(momentum >= 0 && momentum <= 1, "%s: momentum must be in [0, 1], got %s", type, momentum);
        checkArgument(dtype != null && dtype.isFloatingPoint(), "%s: dtype must be FLOAT32 or FLOAT64, got %s", type,
                dtype);
    }

    /** Whether {@code rank} is an input rank this layer accepts. */
    abstract boolean acceptsRank(int rank);

    /** The expected input shapes, for error messages, e.g. {@code "[N, 16, H, W]"}. */
    abstract String expectedShapes();

    /** The weight {@code [C]} (gamma), or {@code null} when not affine. */
    public Tensor weight() {
        return affine ? parameter("weight") : null;
    }

    /** The bias {@code [C]} (beta), or {@code null} when not affine. */
    public Tensor bias() {
        return affine ? parameter("bias") : null;
    }

    public Tensor runningMean() {
        return buffer("running_mean");
    }

    public Tensor runningVar() {
        return buffer("running_var");
    }

    public Tensor numBatchesTracked() {
        return buffer("num_batches_tracked");
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!acceptsRank(x.rank()) || x.shape().dim(1) != features) {
            throw new IllegalArgumentException(this + ": expected input " + expectedShapes() + ", got " + x.shape());
        }
        int[] axes = new int[x.rank() - 1];
        axes[0] = 0;
        for (int i = 2; i < x.rank(); i++) {
            axes[i - 1] = i;
        }
        int[] channelShape = new int[x.rank()];
        Arrays.fill(channelShape, 1);
        channelShape[1] = features;

        Tensor normalized;
        if (isTraining()) {
            long n = x.numel() / features;
            if (n <= 1) {
                throw new IllegalArgumentException(this + ": expected more than 1 value per channel when training, "
                        + "got input " + x.shape() + "; use a larger batch or evaluation mode");
            }
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            normalized = centered.div(var.add(eps).sqrt());
            try (NoGrad scope = NoGrad.enter()) {
                Tensor runningMean = runningMean();
                Tensor runningVar = runningVar();
                Tensor batchMean = mean.reshape(features);
                Tensor unbiasedVar = var.reshape(features).mul((double) n / (n - 1));
                runningMean.assign(runningMean.mul(1 - momentum).add(batchMean.mul(momentum)));
                runningVar.assign(runningVar.mul(1 - momentum).add(unbiasedVar.mul(momentum)));
                Tensor count = numBatchesTracked();
                count.assign(count.to(dtype).add(1.0));
            }
        } else {
            Tensor mean = runningMean().reshape(channelShape);
            Tensor var = runningVar().reshape(channelShape);
            normalized = x.sub(mean).div(var.add(eps).sqrt());
        }
        if (!affine) {
            return normalized;
        }
        return normalized.mul(weight().reshape(channelShape)).add(bias().reshape(channelShape));
    }

    @Override
    protected String extraRepr() {
        return features + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + py(affine)
                + ", track_running_stats=True";
    }
}
