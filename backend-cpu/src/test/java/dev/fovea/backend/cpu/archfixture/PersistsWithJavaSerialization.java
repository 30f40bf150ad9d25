package dev.fovea.backend.cpu.archfixture;

import java.io.Serializable;

/** Violates the no-Serializable rule by opting into Java serialization. */
public final class PersistsWithJavaSerialization implements Serializable {
    private static final long serialVersionUID = 1L;
    public float[] weights = new float[0];
}
