package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.MapMaker;
import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.Tensors;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

/**
 * INT32 class labels whose range was checked on the host before they were uploaded, so that
 * {@link Losses#crossEntropy} need not read them back from the device to validate them.
 *
 * <p>Cross-entropy must reject a label outside {@code [0, C)} (it would silently select no class).
 * Checking labels that already live on a device costs a device-to-host copy per call, which would
 * be the only transfer of a training step besides the loss. Labels built here are checked while
 * they are still a host {@code int[]}; the tensor is remembered (weakly, by identity) with its class
 * count, and cross-entropy trusts it for any logits with at least that many classes. The
 * {@link dev.fovea.core.data.DataLoader DataLoader} builds every batch's labels this way, against
 * its dataset's {@code numClasses()}.
 *
 * <pre>{@code
 * Tensor labels = ClassLabels.upload(device, new int[] {3, 0, 9}, 10);   // checked here, on the host
 * Tensor loss = Losses.crossEntropy(logits, labels);                     // no read-back
 * }</pre>
 *
 * <p>The guarantee covers the tensor as uploaded: do not {@link Tensor#assign assign} other values
 * into it. Views and copies of it are not remembered and are checked on the device again.
 */
public final class ClassLabels {
    private ClassLabels() {}

    private static final ConcurrentMap<Tensor, Integer> CHECKED = new MapMaker().weakKeys().makeMap();

    /**
     * Checks every label against {@code [0, classes)} and uploads them to {@code device} as an INT32
     * tensor {@code [labels.length]} that cross-entropy trusts without reading it back.
     *
     * @throws IllegalArgumentException naming the first label out of range, its index and {@code classes}
     */
    public static Tensor upload(Device device, int[] labels, int classes) {
        Objects.requireNonNull(device, "device");
        check(labels, classes);
        Tensor tensor = Tensors.ofInts(device, labels, labels.length);
        CHECKED.put(tensor, classes);
        return tensor;
    }

    /**
     * Checks every label against {@code [0, classes)} on the host.
     *
     * @throws IllegalArgumentException naming the first label out of range, its index and {@code classes}
     */
    public static void check(int[] labels, int classes) {
        Objects.requireNonNull(labels, "labels");
        checkArgument(classes >= 1, "class labels need at least one class, got %s", classes);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is out of range for "
                        + classes + " classes; labels must be in [0, " + classes + ")");
            }
        }
    }

    /**
     * Whether {@code labels} was made by {@link #upload} for at most {@code classes} classes (and is
     * still open), so that every value is known to be in {@code [0, classes)}.
     */
    public static boolean checkedOnHost(Tensor labels, int classes) {
        if (labels.dtype() != DType.INT32) {
            return false;
        }
        Integer checkedFor = CHECKED.get(labels);
        return checkedFor != null && checkedFor <= classes;
    }
}
