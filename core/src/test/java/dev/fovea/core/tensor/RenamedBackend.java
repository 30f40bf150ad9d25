package dev.fovea.core.tensor;

import dev.fovea.api.DType;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import dev.fovea.api.backend.BinaryOp;
import java.nio.Buffer;

/** Another backend as far as names go: forwards every kernel to {@code delegate} under {@code name}. */
final class RenamedBackend implements Backend {
    private final Backend delegate;
    private final String name;
    private final DeviceInfo info;

    RenamedBackend(Backend delegate, String name) {
        this.delegate = delegate;
        this.name = name;
        DeviceInfo d = delegate.device();
        this.info = new DeviceInfo(name, 0, d.name(), d.kind(), d.memoryBytes(), d.computeUnits(), d.supportsFloat64());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceInfo device() {
        return info;
    }

    @Override
    public DeviceBuffer allocate(DType type, long elements) {
        return delegate.allocate(type, elements);
    }

    @Override
    public void upload(Buffer source, DeviceBuffer target, long targetOffset) {
        delegate.upload(source, target, targetOffset);
    }

    @Override
    public void download(DeviceBuffer source, long sourceOffset, Buffer target) {
        delegate.download(source, sourceOffset, target);
    }

    @Override
    public void fill(StridedView out, double value) {
        delegate.fill(out, value);
    }

    @Override
    public void unary(UnaryOp op, StridedView x, StridedView out) {
        delegate.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, StridedView a, StridedView b, StridedView out) {
        delegate.binary(op, a, b, out);
    }

    @Override
    public void where(StridedView cond, StridedView a, StridedView b, StridedView out) {
        delegate.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, StridedView x, int[] axes, StridedView out) {
        delegate.reduce(op, x, axes, out);
    }

    @Override
    public void argmax(StridedView x, int axis, StridedView out) {
        delegate.argmax(x, axis, out);
    }

    @Override
    public void matmul(StridedView a, StridedView b, StridedView out) {
        delegate.matmul(a, b, out);
    }

    @Override
    public void conv2d(StridedView x, StridedView w, StridedView bias, StridedView out, ConvSpec spec) {
        delegate.conv2d(x, w, bias, out, spec);
    }

    @Override
    public void conv2dBackwardData(StridedView gradOut, StridedView w, StridedView gradInput, ConvSpec spec) {
        delegate.conv2dBackwardData(gradOut, w, gradInput, spec);
    }

    @Override
    public void conv2dBackwardWeights(StridedView x, StridedView gradOut, StridedView gradWeight, ConvSpec spec) {
        delegate.conv2dBackwardWeights(x, gradOut, gradWeight, spec);
    }

    @Override
    public void pool2d(PoolOp op, StridedView x, StridedView out, PoolSpec spec) {
        delegate.pool2d(op, x, out, spec);
    }

    @Override
    public void pool2dBackward(PoolOp op, StridedView x, StridedView gradOut, StridedView gradInput, PoolSpec spec) {
        delegate.pool2dBackward(op, x, gradOut, gradInput, spec);
    }

    @Override
    public void fillRandom(RandomSpec distribution, long seed, long counter, StridedView out) {
        delegate.fillRandom(distribution, seed, counter, out);
    }

    @Override
    public void close() {
        // the delegate belongs to the registry that opened it
    }
}
