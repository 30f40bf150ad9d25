package dev.fovea.examples.archfixture;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;

/** Violates the no-Java-serialization rule by reading with ObjectInputStream. */
public final class ReadsJavaSerialization {
    public Object read(InputStream in) throws IOException, ClassNotFoundException {
        try (ObjectInputStream objects = new ObjectInputStream(in)) {
            return objects.readObject();
        }
    }
}
