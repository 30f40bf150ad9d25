package dev.fovea.core.tensor;

import static dev.fovea.core.tensor.TestData.assertValues;
import static dev.fovea.core.tensor.TestData.cpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forward values of the tensor operations, against hand-computed numbers. */
class TensorForwardTest {
    private static Tensor f32(float[] data, int... shape) {
        return Tensors.of(cpu(), data, shape);
    }

    private static Tensor f64(double[] data, int... shape) {
        return Tensors.of(cpu(), data, shape);
    }

    private static final Tensor M23 = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void binaryOpsBroadcast() {
        Tensor row = f32(new float[] {10, 20, 30}, 3);
        Tensor col = f32(new float[] {100, 200}, 2, 1);
        assertEquals(Shape.of(2, 3), M23.add(row).shape());
        assertValues(new double[] {11, 22, 33, 14, 25, 36}, M23.add(row), 0);
        assertValues(new double[] {99, 98, 97, 196, 195, 194}, col.sub(M23), 0);
        Tensor outer = col.mul(row); // [2,1] * [3] -> [2,3]
        assertEquals(Shape.of(2, 3), outer.shape());
        assertValues(new double[] {1000, 2000, 3000, 2000, 4000, 6000}, outer, 0);
        assertValues(new double[] {0.1, 0.1, 0.1, 0.4, 0.25, 0.2}, M23.div(row), 1e-6);
        assertValues(new double[] {1, 4, 9, 64, 125, 216}, M23.pow(f32(new float[] {2, 3}, 2, 1)), 1e-3);
        assertValues(new double[] {10, 20, 30, 10, 20, 30}, M23.maximum(row).minimum(row), 0);
    }

    @Test
    void scalarOps() {
        assertValues(new double[] {3, 4, 5, 6, 7, 8}, M23.add(2.0), 0);
        assertValues(new double[] {-1, 0, 1, 2, 3, 4}, M23.sub(2.0), 0);
        assertValues(new double[] {0.5, 1, 1.5, 2, 2.5, 3}, M23.div(2.0), 0);
        assertValues(new double[] {1, 4, 9, 16, 25, 36}, M23.pow(2.0), 1e-5);
        assertValues(new double[] {3, 3, 3, 4, 5, 5}, M23.clamp(3, 5), 0);
    }

    @Test
    void elementwiseFunctions() {
        Tensor x = f64(new double[] {-2, -0.5, 0.5, 2}, 4);
        assertValues(new double[] {2, 0.5, 0.5, 2}, x.abs(), 0);
        assertValues(new double[] {0, 0, 0.5, 2}, x.relu(), 0);
        assertValues(new double[] {-0.2, -0.05, 0.5, 2}, x.leakyRelu(0.1), 1e-15);
        assertValues(new double[] {1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(0.5)), 1 / (1 + Math.exp(-0.5)),
            1 / (1 + Math.exp(-2))}, x.sigmoid(), 1e-12);
        assertValues(new double[] {Math.tanh(-2), Math.tanh(-0.5), Math.tanh(0.5), Math.tanh(2)}, x.tanh(), 1e-12);
        // exact GELU: x * Phi(x); Phi(2) = 0.9772498680518208, Phi(0.5) = 0.6914624612740131
        assertValues(new double[] {-2 * (1 - 0.9772498680518208), -0.5 * (1 - 0.6914624612740131),
            0.5 * 0.6914624612740131, 2 * 0.9772498680518208}, x.gelu(), 1e-12);
        assertValues(new double[] {-0.5, -2, 2, 0.5}, x.reciprocal(), 1e-15);
        assertValues(new double[] {4, 0.25, 0.25, 4}, x.square(), 0);
        assertValues(new double[] {Math.sin(-2), Math.sin(-0.5), Math.sin(0.5), Math.sin(2)}, x.sin(), 1e-12);
        assertValues(new double[] {Math.cos(-2), Math.cos(-0.5), Math.cos(0.5), Math.cos(2)}, x.cos(), 1e-12);
        Tensor p = f64(new double[] {1, 4, 9}, 3);
        assertValues(new double[] {1, 2, 3}, p.sqrt(), 1e-15);
        assertValues(new double[] {0, Math.log(4), Math.log(9)}, p.log(), 1e-15);
        assertValues(new double[] {Math.E, Math.exp(4), Math.exp(9)}, p.exp(), 1e-9);
        assertValues(new double[] {-1, -4, -9}, p.neg(), 0);
    }

    @Test
    void comparisonsGiveOnesAndZerosInTheOperandType() {
        Tensor a = f32(new float[] {1, 5, 3}, 3);
        Tensor b = f32(new float[] {2, 5, 1}, 3);
        assertValues(new double[] {0, 1, 0}, a.eq(b), 0);
        assertValues(new double[] {0, 0, 1}, a.gt(b), 0);
        assertValues(new double[] {1, 0, 0}, a.lt(b), 0);
        assertEquals(DType.FLOAT32, a.eq(b).dtype());
        Tensor predicted = Tensors.ofInts(cpu(), new int[] {3, 1, 4}, 3);
        Tensor labels = Tensors.ofInts(cpu(), new int[] {3, 2, 4}, 3);
        Tensor correct = predicted.eq(labels);
        assertEquals(DType.INT32, correct.dtype());
        assertArrayEquals(new int[] {1, 0, 1}, correct.toIntArray());
        assertFalse(a.gt(b).requiresGrad());
    }

    @Test
    void reductions() {
        Tensor x = f32(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 3, 2);
        assertEquals(78, x.sum().item(), 0);
        assertEquals(Shape.scalar(), x.sum().shape());
        Tensor s02 = x.sum(new int[] {0, 2}, true);
        assertEquals(Shape.of(1, 3, 1), s02.shape());
        assertValues(new double[] {1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12}, s02, 0);
        Tensor s1 = x.sum(1);
        assertEquals(Shape.of(2, 2), s1.shape());
        assertValues(new double[] {9, 12, 27, 30}, s1, 0);
        assertEquals(6.5, x.mean().item(), 1e-6);
        assertValues(new double[] {1.5, 3.5, 5.5, 7.5, 9.5, 11.5}, x.mean(-1), 1e-6);
        assertEquals(Shape.of(2, 3, 1), x.mean(new int[] {-1}, true).shape());
        assertEquals(12, x.max().item(), 0);
        Tensor m = x.max(1, true);
        assertEquals(Shape.of(2, 1, 2), m.shape());
        assertValues(new double[] {5, 6, 11, 12}, m, 0);
    }

    @Test
    void argmaxReturnsTheFirstMaximumAsInt32() {
        Tensor x = f32(new float[] {1, 7, 7, 0, 9, 2, 9, 9}, 2, 4);
        Tensor idx = x.argmax(1);
        assertEquals(DType.INT32, idx.dtype());
        assertEquals(Shape.of(2), idx.shape());
        assertArrayEquals(new int[] {1, 0}, idx.toIntArray());
        assertArrayEquals(new int[] {1, 0, 1, 1}, x.argmax(0).toIntArray());
    }

    @Test
    void matmulFollowsTorchShapes() {
        Tensor v = f32(new float[] {1, 2, 3}, 3);
        assertEquals(Shape.scalar(), v.matmul(v).shape());
        assertEquals(14, v.matmul(v).item(), 0);
        Tensor m32 = f32(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor vm = v.matmul(m32);
        assertEquals(Shape.of(2), vm.shape());
        assertValues(new double[] {22, 28}, vm, 0);
        Tensor mv = M23.matmul(v);
        assertEquals(Shape.of(2), mv.shape());
        assertValues(new double[] {14, 32}, mv, 0);
        Tensor mm = M23.matmul(m32);
        assertEquals(Shape.of(2, 2), mm.shape());
        assertValues(new double[] {22, 28, 49, 64}, mm, 0);
        // transposed operands arrive as strides
        assertValues(new double[] {22, 49, 28, 64}, m32.transpose(0, 1).matmul(M23.transpose(0, 1)), 0);
    }

    @Test
    void matmulBroadcastsBatchDimensions() {
        double[] av = TestData.values(5, 2 * 1 * 2 * 3, -1, 1);
        double[] bv = TestData.values(6, 3 * 3 * 2, -1, 1);
        Tensor a = f64(av, 2, 1, 2, 3);
        Tensor b = f64(bv, 3, 3, 2);
        Tensor c = a.matmul(b);
        assertEquals(Shape.of(2, 3, 2, 2), c.shape());
        double[] expected = new double[2 * 3 * 2 * 2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int r = 0; r < 2; r++) {
                    for (int col = 0; col < 2; col++) {
                        double s = 0;
                        for (int k = 0; k < 3; k++) {
                            s += av[i * 6 + r * 3 + k] * bv[j * 6 + k * 2 + col];
                        }
                        expected[((i * 3 + j) * 2 + r) * 2 + col] = s;
                    }
                }
            }
        }
        assertValues(expected, c, 1e-12);
        Tensor batchTimesMatrix = a.squeeze(1).matmul(b.slice(0, 0, 1).squeeze(0));
        assertEquals(Shape.of(2, 2, 2), batchTimesMatrix.shape());
    }

    @Test
    void softmaxRowsSumToOneAndLogSoftmaxStaysFinite() {
        Tensor logits = f32(new float[] {1, 2, 3, -1, 0, 1000}, 2, 3);
        Tensor p = logits.softmax(1);
        assertValues(new double[] {1, 1}, p.sum(1), 1e-6);
        double e1 = Math.exp(1);
        double e2 = Math.exp(2);
        double e3 = Math.exp(3);
        double z = e1 + e2 + e3;
        assertValues(new double[] {e1 / z, e2 / z, e3 / z, 0, 0, 1}, p, 1e-6);
        Tensor big = f32(new float[] {1000, 0, -1000}, 3);
        Tensor ls = big.logSoftmax(0);
        for (float v : ls.toFloatArray()) {
            assertTrue(Float.isFinite(v), "logSoftmax must stay finite: " + ls);
        }
        assertValues(new double[] {0, -1000, -2000}, ls, 1e-3);
        assertValues(new double[] {1, 1, 1}, f64(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).softmax(0).sum(0), 1e-12);
    }

    @Test
    void viewsShareMemoryAndReshapeOfNonContiguousCopies() {
        DenseTensor x = Tensors.of(cpu(), new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        DenseTensor t = x.transpose(0, 1);
        assertTrue(t.sharesStorageWith(x));
        assertFalse(t.isContiguous());
        assertValues(new double[] {1, 4, 2, 5, 3, 6}, t, 0);
        assertTrue(x.reshape(3, -1).sharesStorageWith(x));
        assertEquals(Shape.of(3, 2), x.reshape(3, -1).shape());
        DenseTensor copied = t.reshape(-1);
        assertFalse(copied.sharesStorageWith(x));
        assertValues(new double[] {1, 4, 2, 5, 3, 6}, copied, 0);
        assertSame(x, x.contiguous());
        assertTrue(t.contiguous().isContiguous());
        assertTrue(x.slice(1, 1, 3).sharesStorageWith(x));
        assertValues(new double[] {2, 3, 5, 6}, x.slice(1, 1, 3), 0);
        assertValues(new double[] {4, 5, 6}, x.slice(0, 1, 2).squeeze(0), 0);
        assertEquals(Shape.of(2, 1, 3), x.unsqueeze(1).shape());
        assertEquals(Shape.of(2, 3, 1), x.unsqueeze(-1).shape());
        Tensor e = f32(new float[] {1, 2}, 2, 1).expand(Shape.of(2, 2, 3));
        assertValues(new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, e, 0);
        Tensor p = Tensors.of(cpu(), new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            20, 21, 22, 23}, 2, 3, 4).permute(2, 0, 1);
        assertEquals(Shape.of(4, 2, 3), p.shape());
        assertValues(new double[] {0, 4, 8, 12, 16, 20}, p.slice(0, 0, 1), 0);
        assertEquals(Shape.of(2, 12), p.permute(1, 2, 0).flatten(1).shape());
    }

    @Test
    void shapeErrorsNameTheShapes() {
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> M23.reshape(4, 2));
        assertTrue(r.getMessage().contains("[2, 3]") && r.getMessage().contains("[4, 2]"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> M23.squeeze(0));
        assertThrows(IllegalArgumentException.class, () -> M23.slice(1, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> M23.permute(0, 0));
        assertThrows(IllegalArgumentException.class, () -> M23.expand(Shape.of(4, 3)));
        assertThrows(IllegalArgumentException.class, () -> M23.sum(new int[] {2}, false));
        assertThrows(IllegalStateException.class, M23::item);
    }

    @Test
    void dtypeConversionsAndReadBack() {
        Tensor x = f32(new float[] {1.7f, -1.7f, 2.5f}, 3);
        Tensor i = x.to(DType.INT32);
        assertEquals(DType.INT32, i.dtype());
        assertArrayEquals(new int[] {1, -1, 2}, i.toIntArray());
        assertArrayEquals(new int[] {1, -1, 2}, x.toIntArray());
        assertSame(x, x.to(DType.FLOAT32));
        assertEquals(DType.FLOAT64, i.to(DType.FLOAT64).dtype());
        assertArrayEquals(new double[] {1, -1, 2}, i.to(DType.FLOAT64).toDoubleArray());
        assertArrayEquals(new float[] {1.7f, -1.7f, 2.5f}, x.toFloatArray());
        assertSame(x, x.to(cpu()));
    }

    @Test
    void whereConcatAndStack() {
        Tensor cond = Tensors.ofInts(cpu(), new int[] {1, 0, 1}, 3);
        Tensor w = Tensors.where(cond, M23, f32(new float[] {-1}, 1));
        assertValues(new double[] {1, -1, 3, 4, -1, 6}, w, 0);
        Tensor c = Tensors.concat(1, List.of(M23, f32(new float[] {7, 8}, 2, 1)));
        assertEquals(Shape.of(2, 4), c.shape());
        assertValues(new double[] {1, 2, 3, 7, 4, 5, 6, 8}, c, 0);
        Tensor s = Tensors.stack(0, List.of(M23, M23.mul(2.0)));
        assertEquals(Shape.of(2, 2, 3), s.shape());
        assertValues(new double[] {1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 10, 12}, s, 0);
        assertEquals(Shape.of(2, 3, 2), Tensors.stack(-1, List.of(M23, M23)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensors.concat(0, List.of(M23, f32(new float[] {1, 2}, 1, 2))));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[1, 2]"), e.getMessage());
    }

    @Test
    void closingReleasesStorageOnlyWhenTheLastViewIsClosed() {
        Tensor base = f32(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor view = base.transpose(0, 1);
        base.close();
        base.close(); // idempotent
        assertThrows(IllegalStateException.class, base::toFloatArray);
        assertValues(new double[] {1, 3, 2, 4}, view, 0); // the storage is still alive for the view
        view.close();
        assertThrows(IllegalStateException.class, () -> view.add(1.0));
        assertNotSame(base, view);
    }
}
