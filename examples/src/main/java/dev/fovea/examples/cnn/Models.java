package dev.fovea.examples.cnn;

import dev.fovea.api.Shape;
import dev.fovea.core.nn.BatchNorm2d;
import dev.fovea.core.nn.Conv2d;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.GlobalAvgPool2d;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.MaxPool2d;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import java.util.Locale;

/** The CNNs {@code fovea train} offers, sized for a [C, H, W] input and a number of classes. */
public enum Models {
    /**
     * LeNet-style: conv 5x5 C->32 (padding 2), ReLU, max-pool 2, conv 5x5 32->64 (padding 2), ReLU,
     * max-pool 2, flatten, linear 64*(H/4)*(W/4)->128, ReLU, linear 128->classes. For 28x28 images
     * the first linear layer has 3136 inputs; for the 8x8 digits, 256.
     */
    LENET("lenet") {
        @Override
        public Sequential.Config config(Shape input, int classes) {
            int c = input.dim(0);
            int h = input.dim(1) / 4;
            int w = input.dim(2) / 4;
            return Sequential.of(
                    Conv2d.of(c, 32, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
                    Conv2d.of(32, 64, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
                    Flatten.of(), Linear.of(64 * h * w, 128), ReLU.of(), Linear.of(128, classes));
        }
    },
    /**
     * A small VGG-style net: [conv 3x3 (padding 1), batch norm, ReLU] x 2 with 32 channels, max-pool 2,
     * the same with 64 channels, max-pool 2, global average pooling, linear 64->classes. The convolutions
     * have no bias: the batch norm that follows each one has its own shift.
     */
    VGG("vgg") {
        @Override
        public Sequential.Config config(Shape input, int classes) {
            int c = input.dim(0);
            return Sequential.of(
                    Conv2d.of(c, 32, 3).padding(1).bias(false), BatchNorm2d.of(32), ReLU.of(),
                    Conv2d.of(32, 32, 3).padding(1).bias(false), BatchNorm2d.of(32), ReLU.of(),
                    MaxPool2d.of(2),
                    Conv2d.of(32, 64, 3).padding(1).bias(false), BatchNorm2d.of(64), ReLU.of(),
                    Conv2d.of(64, 64, 3).padding(1).bias(false), BatchNorm2d.of(64), ReLU.of(),
                    MaxPool2d.of(2),
                    GlobalAvgPool2d.of(), Linear.of(64, classes));
        }
    };

    private final String cliName;

    Models(String cliName) {
        this.cliName = cliName;
    }

    /** The model's name on the command line: {@code lenet}, {@code vgg}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The model for inputs of shape {@code [C, H, W]} with {@code classes} outputs (logits).
     *
     * @throws IllegalArgumentException when H or W is not a multiple of 4 (two 2x2 poolings)
     */
    public Sequential.Config configFor(Shape input, int classes) {
        if (input.rank() != 3 || input.dim(1) % 4 != 0 || input.dim(2) % 4 != 0 || input.dim(1) < 4
                || input.dim(2) < 4) {
            throw new IllegalArgumentException(cliName + " needs images shaped [C, H, W] with H and W multiples of 4"
                    + " (two 2x2 max-poolings), got " + input);
        }
        return config(input, classes);
    }

    abstract Sequential.Config config(Shape input, int classes);

    /** The model named {@code name} (case-insensitive). */
    public static Models named(String name) {
        for (Models m : values()) {
            if (m.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; choose lenet or vgg");
    }
}
