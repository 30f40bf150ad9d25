package dev.fovea.api.archfixture;

import org.junit.jupiter.api.Assertions;

/** Violates the api's JDK-only rule by calling a third-party library. */
public final class UsesThirdParty {
    public void check(boolean condition) {
        Assertions.assertTrue(condition);
    }
}
