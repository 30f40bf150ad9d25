package dev.fovea.api.backend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import org.junit.jupiter.api.Test;

/** The shape checks every backend's conv and pool kernels run before touching memory. */
class SpecShapesTest {

    @Test
    void convAcceptsAgreeingShapesAndNamesTheProblemOtherwise() {
        ConvSpec spec = new ConvSpec(2, 1, 1, 0, 1, 1, 1, 1, 2);
        // H: (7 + 1 + 0 - 3) / 2 + 1 = 3; W: (5 + 1 + 1 - 3) / 1 + 1 = 5
        assertDoesNotThrow(() -> spec.checkShapes("conv2d", Shape.of(2, 4, 7, 5), Shape.of(6, 2, 3, 3),
                Shape.of(2, 6, 3, 5)));
        assertMessage("conv2d: with 2 groups", () -> spec.checkShapes("conv2d", Shape.of(2, 4, 7, 5),
                Shape.of(6, 4, 3, 3), Shape.of(2, 6, 3, 5)));
        assertMessage("give [2, 6, 3, 5], but the output/gradient is [2, 6, 4, 5]", () -> spec.checkShapes(
                "conv2d", Shape.of(2, 4, 7, 5), Shape.of(6, 2, 3, 3), Shape.of(2, 6, 4, 5)));
        assertMessage("does not fit the input", () -> ConvSpec.defaults().checkShapes("conv2dBackwardData",
                Shape.of(1, 1, 2, 2), Shape.of(1, 1, 3, 3), Shape.of(1, 1, 0, 0)));
        assertMessage("must be rank 4", () -> ConvSpec.defaults().checkShapes("conv2d", Shape.of(1, 2, 2),
                Shape.of(1, 1, 1, 1), Shape.of(1, 1, 2, 2)));
    }

    @Test
    void poolAcceptsAgreeingShapesAndNamesTheProblemOtherwise() {
        PoolSpec spec = new PoolSpec(3, 3, 2, 2, 1, 1, true);
        // (6 + 2 - 3) / 2 + 1 = 3
        assertDoesNotThrow(() -> spec.checkShapes("pool2d", Shape.of(2, 3, 6, 6), Shape.of(2, 3, 3, 3)));
        assertMessage("gives [2, 3, 3, 3], but the output/gradient is [2, 3, 3, 4]",
                () -> spec.checkShapes("pool2d", Shape.of(2, 3, 6, 6), Shape.of(2, 3, 3, 4)));
        assertMessage("does not fit the input", () -> PoolSpec.of(4, 1).checkShapes("pool2d",
                Shape.of(1, 1, 3, 3), Shape.of(1, 1, 0, 0)));
    }

    @Test
    void aWindowOrKernelLargerThanThePaddedInputGivesNoOutputEvenWithAStride() {
        // (1 - 2) / 2 truncates to 0 (one output row that would read past the plane); floor gives -1
        assertTrue(PoolSpec.of(2, 2).outHeight(1) == 0);
        assertTrue(new PoolSpec(3, 3, 3, 3, 0, 0, true).outWidth(2) == 0);
        assertMessage("does not fit the input", () -> PoolSpec.of(2, 2).checkShapes("pool2d",
                Shape.of(1, 2, 1, 4), Shape.of(1, 2, 1, 2)));
        ConvSpec strided = ConvSpec.of(2, 0, 1, 1);
        assertTrue(strided.outHeight(2, 3) == 0 && strided.outWidth(2, 3) == 0);
        assertMessage("does not fit the input", () -> strided.checkShapes("conv2d", Shape.of(1, 1, 2, 2),
                Shape.of(1, 1, 3, 3), Shape.of(1, 1, 1, 1)));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
