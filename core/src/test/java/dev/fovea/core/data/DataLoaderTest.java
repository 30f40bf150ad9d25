package dev.fovea.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.core.device.Devices;
import dev.fovea.core.nn.ClassLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataLoaderTest {
    private static final Device CPU = Devices.get("cpu");

    /**
     * {@code n} examples of shape [1, 2, 2]; pixel p of example i is {@code i * 100 + p}; the label
     * is i itself, so a batch's labels say exactly which examples it holds.
     */
    static InMemoryDataset numbered(int n) {
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 4; p++) {
                x[i * 4 + p] = i * 100 + p;
            }
            y[i] = i;
        }
        return InMemoryDataset.of(Shape.of(1, 2, 2), x, y, n);
    }

    /** A batch copied to the host, so that it can be compared after the tensors are closed. */
    record HostCopy(float[] inputs, int[] labels, Shape shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof HostCopy h && Arrays.equals(inputs, h.inputs) && Arrays.equals(labels, h.labels)
                    && shape.equals(h.shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(labels);
        }
    }

    static List<HostCopy> drain(java.util.Iterator<Batch> it) {
        List<HostCopy> out = new ArrayList<>();
        while (it.hasNext()) {
            try (Batch b = it.next()) {
                out.add(new HostCopy(b.inputs().toFloatArray(), b.labels().toIntArray(), b.inputs().shape()));
            }
        }
        return out;
    }

    static int[] labelsOf(List<HostCopy> batches) {
        return batches.stream().flatMapToInt(b -> Arrays.stream(b.labels())).toArray();
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(ints = {0, 2})
    void batchesHaveTheRightShapesDtypesAndValues(int prefetch) {
        DataLoader loader = DataLoader.over(numbered(10)).batchSize(4).prefetch(prefetch).device(CPU);
        assertEquals(3, loader.batchesPerEpoch());
        List<Integer> sizes = new ArrayList<>();
        try (BatchIterator it = loader.iterator(0, 0)) {
            int expectedIndex = 0;
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    sizes.add(b.size());
                    assertEquals(Shape.of(b.size(), 1, 2, 2), b.inputs().shape());
                    assertEquals(DType.FLOAT32, b.inputs().dtype());
                    assertEquals(Shape.of(b.size()), b.labels().shape());
                    assertEquals(DType.INT32, b.labels().dtype());
                    assertEquals(CPU.name(), b.inputs().device().name());
                    float[] x = b.inputs().toFloatArray();
                    int[] y = b.labels().toIntArray();
                    for (int k = 0; k < b.size(); k++) {
                        assertEquals(expectedIndex, y[k]);
                        for (int p = 0; p < 4; p++) {
                            assertEquals(expectedIndex * 100 + p, x[k * 4 + p]);
                        }
                        expectedIndex++;
                    }
                }
            }
            assertEquals(10, expectedIndex);
            assertThrows(NoSuchElementException.class, it::next);
        }
        assertEquals(List.of(4, 4, 2), sizes);
    }

    @Test
    void lastBatchPolicies() {
        DataLoader keep = DataLoader.over(numbered(10)).batchSize(4).device(CPU);
        DataLoader drop = keep.dropLast(true);
        assertEquals(DataLoader.LastBatch.KEEP, keep.lastBatch(), "setters return new loaders");
        assertEquals(3, keep.batchesPerEpoch());
        assertEquals(2, drop.batchesPerEpoch());
        List<HostCopy> dropped = drain(drop.iterator(0, 0));
        assertEquals(2, dropped.size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, labelsOf(dropped));
        // Exact multiples have no short batch under either policy.
        assertEquals(5, keep.batchSize(2).batchesPerEpoch());
        assertEquals(5, drop.batchSize(2).batchesPerEpoch());
        // A dataset smaller than one batch: one short batch, or none.
        assertEquals(1, keep.batchSize(64).batchesPerEpoch());
        assertEquals(0, drop.batchSize(64).batchesPerEpoch());
        assertFalse(drop.batchSize(64).iterator(0, 0).hasNext());
    }

    @Test
    void shuffleIsDeterministicPerSeedAndEpochAndCoversEveryExampleOnce() {
        DataLoader a = DataLoader.over(numbered(50)).batchSize(8).shuffle(123).device(CPU);
        DataLoader b = DataLoader.over(numbered(50)).batchSize(8).shuffle(123).device(CPU);
        List<HostCopy> a0 = drain(a.iterator(0, 0));
        assertEquals(a0, drain(b.iterator(0, 0)), "same seed, same epoch: same batches");
        int[] order0 = labelsOf(a0);
        assertArrayEquals(a.order(0).toArray(), order0);
        int[] sorted = order0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(Shuffle.identity(50), sorted, "every example exactly once");
        assertFalse(Arrays.equals(Shuffle.identity(50), order0), "actually shuffled");

        int[] order1 = labelsOf(drain(a.iterator(1, 0)));
        assertFalse(Arrays.equals(order0, order1), "another epoch, another order");
        int[] other = labelsOf(drain(a.shuffle(124).iterator(0, 0)));
        assertFalse(Arrays.equals(order0, other), "another seed, another order");
        // The order does not depend on the batch size or prefetch depth.
        assertArrayEquals(order0, labelsOf(drain(a.batchSize(7).prefetch(0).iterator(0, 0))));
    }

    @Test
    void plainIterationAdvancesTheEpoch() {
        DataLoader loader = DataLoader.over(numbered(20)).batchSize(5).shuffle(9).device(CPU);
        List<int[]> orders = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            List<HostCopy> batches = new ArrayList<>();
            for (Batch b : loader) {
                try (b) {
                    batches.add(new HostCopy(b.inputs().toFloatArray(), b.labels().toIntArray(), b.inputs().shape()));
                }
            }
            orders.add(labelsOf(batches));
        }
        for (int epoch = 0; epoch < 3; epoch++) {
            assertArrayEquals(loader.order(epoch).toArray(), orders.get(epoch), "epoch " + epoch);
        }
        List<HostCopy> viaEpoch = new ArrayList<>();
        for (Batch b : loader.epoch(1)) {
            try (b) {
                viaEpoch.add(new HostCopy(b.inputs().toFloatArray(), b.labels().toIntArray(), b.inputs().shape()));
            }
        }
        assertArrayEquals(orders.get(1), labelsOf(viaEpoch));
    }

    @Test
    void resumingAtABatchYieldsExactlyTheRestOfTheEpoch() {
        DataLoader loader = DataLoader.over(numbered(23)).batchSize(4).shuffle(5).device(CPU)
                .transform(Augment.randomShift(1));
        List<HostCopy> full = drain(loader.iterator(2, 0));
        assertEquals(6, full.size());
        for (int start = 0; start <= 6; start++) {
            BatchIterator it = loader.iterator(2, start);
            assertEquals(start, it.nextBatchIndex());
            assertEquals(2, it.epoch());
            assertEquals(full.subList(start, 6), drain(it), "from batch " + start);
        }
        assertThrows(IllegalArgumentException.class, () -> loader.iterator(2, 7));
        assertThrows(IllegalArgumentException.class, () -> loader.iterator(-1, 0));
    }

    @Test
    void prefetchOnAndOffGiveIdenticalBatches() {
        ExampleTransform augment = Augment.horizontalFlip(0.5).andThen(Augment.randomShift(1));
        DataLoader base = DataLoader.over(numbered(37)).batchSize(5).shuffle(77).device(CPU).transform(augment);
        for (int epoch = 0; epoch < 3; epoch++) {
            // Keep every batch of the prefetching run open until the end: reused host buffers must
            // not leak into earlier batches.
            List<Batch> held = new ArrayList<>();
            BatchIterator it = base.prefetch(3).iterator(epoch, 0);
            while (it.hasNext()) {
                held.add(it.next());
            }
            List<HostCopy> sync = drain(base.prefetch(0).iterator(epoch, 0));
            assertEquals(sync.size(), held.size());
            for (int i = 0; i < held.size(); i++) {
                Batch b = held.get(i);
                assertEquals(sync.get(i),
                        new HostCopy(b.inputs().toFloatArray(), b.labels().toIntArray(), b.inputs().shape()),
                        "epoch " + epoch + " batch " + i);
                b.close();
            }
        }
        // The augmentation really changed something (else the comparison above proves little).
        List<HostCopy> plain = drain(base.transform(null).prefetch(0).iterator(0, 0));
        assertFalse(plain.equals(drain(base.prefetch(0).iterator(0, 0))));
    }

    @Test
    void transformRandomnessDependsOnSeedEpochAndExampleOnly() {
        // The transform stamps each example with its first random draw.
        ExampleTransform stamp = (data, offset, shape, rng) -> data[offset] = rng.nextFloat();
        DataLoader a = DataLoader.over(numbered(30)).batchSize(4).shuffle(3).device(CPU).transform(stamp);
        Map<Integer, Float> byExampleA = stamps(drain(a.iterator(1, 0)));
        Map<Integer, Float> byExampleB = stamps(drain(a.batchSize(7).prefetch(0).iterator(1, 0)));
        assertEquals(byExampleA, byExampleB);
        assertEquals(30, byExampleA.size());
        float expected = SeededRandom.of(DataLoader.AUGMENT_STREAM, 3, 1, 17).nextFloat();
        assertEquals(expected, byExampleA.get(17));
        Map<Integer, Float> otherEpoch = stamps(drain(a.iterator(2, 0)));
        assertFalse(byExampleA.equals(otherEpoch));
        // Without shuffling, seed(...) still keys the transform.
        Map<Integer, Float> unshuffled = stamps(drain(a.noShuffle().iterator(1, 0)));
        assertEquals(byExampleA, unshuffled);
        assertFalse(byExampleA.equals(stamps(drain(a.noShuffle().seed(4).iterator(1, 0)))));
    }

    private static Map<Integer, Float> stamps(List<HostCopy> batches) {
        Map<Integer, Float> out = new HashMap<>();
        for (HostCopy b : batches) {
            for (int k = 0; k < b.labels().length; k++) {
                out.put(b.labels()[k], b.inputs()[k * 4]);
            }
        }
        return out;
    }

    /** A dataset that fails when asked for example {@code failAt}. */
    static Dataset failingAt(InMemoryDataset inner, int failAt) {
        return new Dataset() {
            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public Shape exampleShape() {
                return inner.exampleShape();
            }

            @Override
            public int numClasses() {
                return inner.numClasses();
            }

            @Override
            public void copyExample(int index, float[] dest, int destOffset) {
                if (index == failAt) {
                    throw new ArithmeticException("example " + index + " is broken");
                }
                inner.copyExample(index, dest, destOffset);
            }

            @Override
            public int label(int index) {
                return inner.label(index);
            }
        };
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(ints = {0, 2})
    void labelsAreCheckedOnTheHostAndTrustedByTheLoss(int prefetch) {
        InMemoryDataset inner = numbered(8);               // labels 0..7
        Dataset fiveClasses = new Dataset() {              // claims 5 classes: examples 5..7 lie
            @Override
            public int size() {
                return inner.size();
            }

            @Override
            public Shape exampleShape() {
                return inner.exampleShape();
            }

            @Override
            public int numClasses() {
                return 5;
            }

            @Override
            public void copyExample(int index, float[] dest, int destOffset) {
                inner.copyExample(index, dest, destOffset);
            }

            @Override
            public int label(int index) {
                return inner.label(index);
            }
        };
        DataLoader loader = DataLoader.over(fiveClasses).batchSize(4).prefetch(prefetch).device(CPU);
        BatchIterator it = loader.iterator(0, 0);
        try (Batch first = it.next()) {
            assertTrue(ClassLabels.checkedOnHost(first.labels(), 5), "the loss trusts the batch's labels");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
        assertTrue(e.getCause() instanceof IllegalArgumentException, "cause: " + e.getCause());
        assertEquals("example 5 has label 5, outside [0, 5) (the dataset's numClasses())", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("batch 1 of epoch 0"), e.getMessage());
    }

    @ParameterizedTest(name = "prefetch={0}")
    @ValueSource(ints = {0, 2})
    void producerFailureSurfacesInTheConsumerWithItsCause(int prefetch) {
        DataLoader loader = DataLoader.over(failingAt(numbered(20), 9)).batchSize(4).prefetch(prefetch).device(CPU);
        BatchIterator it = loader.iterator(0, 0);
        it.next().close();
        it.next().close(); // examples 4..7
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next); // 8..11 holds 9
        assertTrue(e.getCause() instanceof ArithmeticException, "cause: " + e.getCause());
        assertEquals("example 9 is broken", e.getCause().getMessage());
        assertTrue(e.getMessage().contains("batch 2 of epoch 0"), e.getMessage());
        assertFalse(it.hasNext(), "a failed iteration is over");
        Thread t = it.prefetchThread();
        if (prefetch > 0) {
            assertNotNull(t);
            assertThreadEnds(t);
        } else {
            assertNull(t);
        }
    }

    @Test
    void closingTheLoaderStopsABlockedPrefetchThread() {
        // 1000 batches, depth 1: the producer soon blocks waiting for a free buffer.
        DataLoader loader = DataLoader.over(numbered(4000)).batchSize(4).prefetch(1).device(CPU);
        BatchIterator it = loader.iterator(0, 0);
        it.next().close();
        Thread t = it.prefetchThread();
        assertTrue(t.getName().startsWith(DataLoader.THREAD_NAME_PREFIX + "-"), t.getName());
        assertTrue(t.isDaemon());
        assertTrue(Thread.getAllStackTraces().containsKey(t), "the thread is running mid-epoch");
        loader.close();
        assertThreadEnds(t);
        assertFalse(it.hasNext());
        assertThrows(IllegalStateException.class, () -> loader.iterator(0, 0), "closed loaders refuse new epochs");
        loader.close(); // idempotent
    }

    @Test
    void closingTheIteratorStopsItsThread() {
        DataLoader loader = DataLoader.over(numbered(4000)).batchSize(4).prefetch(2).device(CPU);
        Thread t;
        try (BatchIterator it = loader.iterator(0, 0)) {
            it.next().close();
            t = it.prefetchThread();
        }
        assertThreadEnds(t);
        // The loader is still usable.
        try (BatchIterator again = loader.iterator(1, 0); Batch b = again.next()) {
            assertEquals(4, b.size());
        }
        loader.close();
    }

    @Test
    void aFinishedEpochLeavesNoThread() {
        DataLoader loader = DataLoader.over(numbered(40)).batchSize(4).prefetch(2).device(CPU);
        BatchIterator it = loader.iterator(0, 0);
        assertEquals(10, drain(it).size());
        assertThreadEnds(it.prefetchThread());
    }

    @Test
    void anAbandonedIterationStopsItsThreadOnceCollected() throws InterruptedException {
        DataLoader loader = DataLoader.over(numbered(4000)).batchSize(4).prefetch(1).device(CPU);
        Thread t = startAndAbandon(loader);
        assertTrue(t.isAlive(), "the producer waits for the consumer");
        for (int i = 0; i < 100 && t.isAlive(); i++) {
            System.gc();
            t.join(100);
        }
        assertFalse(t.isAlive(), "abandoned prefetch thread " + t.getName() + " still runs");
        assertFalse(Thread.getAllStackTraces().containsKey(t));
    }

    private static Thread startAndAbandon(DataLoader loader) {
        BatchIterator it = loader.iterator(0, 0);
        it.next().close();
        return it.prefetchThread();
    }

    private static void assertThreadEnds(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(t.isAlive(), t.getName() + " is still alive");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(x -> x.getName().equals(t.getName())),
                t.getName() + " is still listed by Thread.getAllStackTraces");
    }

    @Test
    void rejectsBadConfiguration() {
        DataLoader loader = DataLoader.over(numbered(4));
        assertThrows(IllegalArgumentException.class, () -> loader.batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> loader.prefetch(-1));
        assertThrows(NullPointerException.class, () -> loader.device(null));
        assertThrows(NullPointerException.class, () -> DataLoader.over(null));
    }
}
