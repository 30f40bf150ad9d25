package dev.fovea.examples.peaks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Device;
import dev.fovea.core.device.Devices;
import org.junit.jupiter.api.Test;

class PeakFinderTest {

    @Test
    void localMaximaAreInteriorAndOneBased() {
        assertArrayEquals(new int[] {5, 7, 9}, PeakFinder.localMaxima(PeakFinder.SEED_SIGNAL));
        assertArrayEquals(new int[] {}, PeakFinder.localMaxima(new double[] {3, 2, 1}), "ends are not peaks");
        assertArrayEquals(new int[] {}, PeakFinder.localMaxima(new double[] {1, 2, 2, 1}), "plateaus are not strict");
    }

    @Test
    void centreOfAnOutputIsTheMiddleOfItsWindow() {
        assertEquals(2, PeakFinder.centre(0, 3));
        assertEquals(5, PeakFinder.centre(3, 3));
        assertEquals(1, PeakFinder.centre(0, 1));
        assertEquals(2, PeakFinder.centre(0, 4), "even filters round down");
    }

    @Test
    void flipAndSymmetry() {
        assertArrayEquals(new double[] {-1, 0, 1}, PeakFinder.flip(new double[] {1, 0, -1}), 0);
        assertTrue(PeakFinder.isSymmetric(PeakFinder.SEED_FILTER));
        assertFalse(PeakFinder.isSymmetric(new double[] {1, 0, -1}));
    }

    @Test
    void validationNamesTheValues() {
        var longer = assertThrows(IllegalArgumentException.class,
                () -> PeakFinder.validate(new double[] {1, 2}, new double[] {1, 2, 3}));
        assertTrue(longer.getMessage().contains("3 values but the signal [1, 2] only 2"), longer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PeakFinder.validate(new double[] {}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> PeakFinder.validate(new double[] {1}, new double[] {}));
        var nan = assertThrows(IllegalArgumentException.class,
                () -> PeakFinder.validate(new double[] {1, Double.NaN}, new double[] {1}));
        assertTrue(nan.getMessage().contains("signal value 2 is NaN"), nan.getMessage());
    }

    @Test
    void seedExampleOnTheCpu() {
        Device cpu = Devices.get("cpu");
        PeakAnalysis a = PeakFinder.analyze(cpu, PeakFinder.SEED_SIGNAL, PeakFinder.SEED_FILTER);
        assertArrayEquals(new double[] {-0.6784, -0.3401, -1.3515, 0.5152, -1.6167, 0.4355, -1.0744, 0.0623},
                a.convolution(), 1e-9, "exact to the inputs' 4 decimals (FLOAT64 on the CPU)");
        assertArrayEquals(new int[] {5, 7, 9}, a.peaks());
        assertTrue(a.peaksMatchLocalMaxima());
        assertEquals(new PeakAnalysis.MaxPool(5, 4, a.convolution()[3]), a.maxPool());
        assertEquals("cpu:0", a.device());
    }

    @Test
    void theSeedAnswersPrintedOutputIsNotTheConvolution() {
        PeakAnalysis a = PeakFinder.analyze(Devices.get("cpu"), PeakFinder.SEED_SIGNAL, PeakFinder.SEED_FILTER);
        assertFalse(java.util.Arrays.equals(PeakFinder.SEED_PRINTED_OUTPUT, a.convolution()));
        assertEquals(-0.8416 + 0.7342 - 0.5710, a.convolution()[0], 1e-12);
    }
}
