package dev.fovea.core.plot;

import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import java.lang.reflect.Proxy;

/**
 * A test-only {@link Tensor} that answers {@code shape()} and {@code toFloatArray()} and nothing else,
 * which is all the plot package may use; any other call fails the test.
 */
final class FakeTensor {
    private FakeTensor() {}

    static Tensor of(float[] values, int... dims) {
        Shape shape = Shape.of(dims);
        return (Tensor) Proxy.newProxyInstance(FakeTensor.class.getClassLoader(), new Class<?>[] {Tensor.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "shape" -> shape;
                    case "toFloatArray" -> values.clone();
                    case "rank" -> shape.rank();
                    case "numel" -> shape.numel();
                    case "toString" -> "FakeTensor" + shape;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new AssertionError("the plot package must not call Tensor." + method.getName());
                });
    }
}
