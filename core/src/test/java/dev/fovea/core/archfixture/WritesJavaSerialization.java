package dev.fovea.core.archfixture;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/** Violates the no-Java-serialization rule by writing with ObjectOutputStream. */
public final class WritesJavaSerialization {
    public void write(Object value, OutputStream out) throws IOException {
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(value);
        }
    }
}
