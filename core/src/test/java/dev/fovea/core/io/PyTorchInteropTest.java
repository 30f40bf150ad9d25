package dev.fovea.core.io;

import static dev.fovea.core.io.IoTesting.cpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.BatchNorm2d;
import dev.fovea.core.nn.Conv2d;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.MaxPool2d;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch interop with committed fixtures made by {@code reference/make_torch_cnn.py} (no Python needed):
 * PyTorch's state_dict loads into the equivalent Fovea model by the same names and gives PyTorch's
 * output; the file Fovea writes for that model carries the same tensors under the same names. One test
 * also runs PyTorch on a Fovea-written file, when python3 with torch is installed (skipped otherwise).
 */
class PyTorchInteropTest {
    @TempDir
    Path tmp;

    /** The Fovea twin of make_torch_cnn.py's nn.Sequential. */
    static Sequential.Config foveaCnn() {
        return Sequential.of(Conv2d.of(1, 4, 3).padding(1), BatchNorm2d.of(4), ReLU.of(), MaxPool2d.of(2),
                Flatten.of(), Linear.of(64, 10));
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(PyTorchInteropTest.class.getResource("/reference/" + name).toURI());
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            float tolerance = 1e-5f + 1e-5f * Math.abs(expected[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance,
                    "element " + i + ": PyTorch " + expected[i] + ", Fovea " + actual[i]);
        }
    }

    @Test
    void aPyTorchStateDictLoadsByNameAndGivesPyTorchsOutput() throws Exception {
        Sequential model = foveaCnn().init(cpu(), 0);
        ModelIo.loadWeights(model, fixture("torch_cnn.safetensors"));
        assertEquals(3, model.buffers().get("1.num_batches_tracked").toIntArray()[0],
                "I64 num_batches_tracked read into Fovea's INT32 counter");
        model.setTraining(false);
        Map<String, TensorData> io = Safetensors.read(fixture("torch_cnn_io.safetensors"));
        Tensor output = model.forward(io.get("input").toTensor(cpu()));
        assertEquals(io.get("output").shape(), output.shape());
        assertClose(io.get("output").toFloatArray(), output.toFloatArray());
    }

    @Test
    void theFileFoveaWritesHoldsWhatThePyTorchFileHolds() throws Exception {
        Sequential model = foveaCnn().init(cpu(), 0);
        Path torchFile = fixture("torch_cnn.safetensors");
        ModelIo.loadWeights(model, torchFile);
        Path foveaFile = tmp.resolve("fovea.safetensors");
        ModelIo.saveWeights(model, foveaFile);
        try (SafetensorsFile torch = SafetensorsFile.open(torchFile);
                SafetensorsFile fovea = SafetensorsFile.open(foveaFile)) {
            assertEquals(torch.metadata(), fovea.metadata(), "both say {\"format\": \"pt\"}");
            assertEquals(Map.of("format", "pt"), fovea.metadata());
            assertEquals(java.util.Set.copyOf(torch.names()), java.util.Set.copyOf(fovea.names()));
            for (String name : torch.names()) {
                SafetensorsFile.Entry t = torch.entry(name);
                SafetensorsFile.Entry f = fovea.entry(name);
                assertArrayEquals(t.shape(), f.shape(), name);
                if (name.endsWith("num_batches_tracked")) {
                    assertEquals(SafetensorsFile.Dtype.I64, t.dtype());
                    assertEquals(SafetensorsFile.Dtype.I32, f.dtype(), "Fovea's counter is INT32 (documented)");
                    assertArrayEquals(torch.read(name).toIntArray(), fovea.read(name).toIntArray(), name);
                } else {
                    assertEquals(t.dtype(), f.dtype(), name);
                    assertEquals(torch.read(name), fovea.read(name), name + ": same bits");
                    assertEquals(t.end() - t.begin(), f.end() - f.begin(), name);
                }
            }
            // the F32 tensors come in the same (name) order in both files, each aligned to its element size
            assertEquals(torch.names().stream().filter(n -> !n.endsWith("num_batches_tracked")).toList(),
                    fovea.names().stream().filter(n -> !n.endsWith("num_batches_tracked")).toList());
            for (SafetensorsFile.Entry e : fovea.entries()) {
                assertEquals(0, e.begin() % e.dtype().byteSize(), e.name());
            }
        }
    }

    /** Fovea -> PyTorch: the one test that needs python3 with torch; skipped where it is absent (CI). */
    @Test
    @SuppressWarnings("try") // the scope brackets the forward
    void pyTorchLoadsAFoveaModelAndComputesTheSameOutput() throws Exception {
        assumeTrue(pythonWithTorch(), "python3 with torch is not installed: the Fovea -> PyTorch check is skipped");
        Sequential own = foveaCnn().init(cpu(), 21);
        try (NoGrad scope = NoGrad.enter()) { // move the BatchNorm statistics away from 0 and 1
            own.forward(Tensors.randn(cpu(), DType.FLOAT32, Shape.of(16, 1, 8, 8), new RandomSource(5)).mul(2).add(0.5));
        }
        own.setTraining(false);
        Path dir = Path.of("target", "fovea-to-pytorch");
        ModelIo.save(own, dir);
        Tensor input = Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 1, 8, 8), new RandomSource(3));
        Path io = dir.resolveSibling("fovea-to-pytorch-io.safetensors");
        Safetensors.write(io, Map.of("input", TensorData.copyOf(input), "output", TensorData.copyOf(own.forward(input))),
                Map.of());
        Process p = new ProcessBuilder("/usr/bin/python3", "-B", fixture("load_fovea.py").toString(),
                dir.resolve(ModelIo.WEIGHTS_FILE).toString(), io.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "PyTorch disagrees:\n" + out);
        assertTrue(out.contains("matches"), out);
    }

    static boolean pythonWithTorch() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
