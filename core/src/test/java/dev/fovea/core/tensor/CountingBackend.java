package dev.fovea.core.tensor;

import dev.fovea.api.DType;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import java.nio.Buffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A backend that forwards to another and counts kernel calls by name (and host transfers). */
final class CountingBackend implements Backend {
    private final Backend delegate;
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    CountingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    int count(String kernel) {
        AtomicInteger c = counts.get(kernel);
        return c == null ? 0 : c.get();
    }

    void reset() {
        counts.clear();
    }

    private void hit(String kernel) {
        counts.computeIfAbsent(kernel, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public DeviceInfo device() {
        return delegate.device();
    }

    @Override
    public DeviceBuffer allocate(DType type, long elements) {
        hit("allocate");
        return delegate.allocate(type, elements);
    }

    @Override
    public void upload(Buffer source, DeviceBuffer target, long targetOffset) {
        hit("upload");
        delegate.upload(source, target, targetOffset);
    }

    @Override
    public void download(DeviceBuffer source, long sourceOffset, Buffer target) {
        hit("download");
        delegate.download(source, sourceOffset, target);
    }

    @Override
    public void fill(StridedView out, double value) {
        hit("fill");
        delegate.fill(out, value);
    }

    @Override
    public void unary(UnaryOp op, StridedView x, StridedView out) {
        hit("unary");
        delegate.unary(op, x, out);
    }

    @Override
    public void binary(BinaryOp op, StridedView a, StridedView b, StridedView out) {
        hit("binary");
        delegate.binary(op, a, b, out);
    }

    @Override
    public void where(StridedView cond, StridedView a, StridedView b, StridedView out) {
        hit("where");
        delegate.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, StridedView x, int[] axes, StridedView out) {
        hit("reduce");
        delegate.reduce(op, x, axes, out);
    }

    @Override
    public void argmax(StridedView x, int axis, StridedView out) {
        hit("argmax");
        delegate.argmax(x, axis, out);
    }

    @Override
    public void matmul(StridedView a, StridedView b, StridedView out) {
        hit("matmul");
        delegate.matmul(a, b, out);
    }

    @Override
    public void conv2d(StridedView x, StridedView w, StridedView bias, StridedView out, ConvSpec spec) {
        hit("conv2d");
        delegate.conv2d(x, w, bias, out, spec);
    }

    @Override
    public void conv2dBackwardData(StridedView gradOut, StridedView w, StridedView gradInput, ConvSpec spec) {
        hit("conv2dBackwardData");
        delegate.conv2dBackwardData(gradOut, w, gradInput, spec);
    }

    @Override
    public void conv2dBackwardWeights(StridedView x, StridedView gradOut, StridedView gradWeight, ConvSpec spec) {
        hit("conv2dBackwardWeights");
        delegate.conv2dBackwardWeights(x, gradOut, gradWeight, spec);
    }

    @Override
    public void pool2d(PoolOp op, StridedView x, StridedView out, PoolSpec spec) {
        hit("pool2d");
        delegate.pool2d(op, x, out, spec);
    }

    @Override
    public void pool2dBackward(PoolOp op, StridedView x, StridedView gradOut, StridedView gradInput, PoolSpec spec) {
        hit("pool2dBackward");
        delegate.pool2dBackward(op, x, gradOut, gradInput, spec);
    }

    @Override
    public void fillRandom(RandomSpec distribution, long seed, long counter, StridedView out) {
        hit("fillRandom");
        delegate.fillRandom(distribution, seed, counter, out);
    }

    @Override
    public void close() {
        // the delegate belongs to the registry
    }
}
