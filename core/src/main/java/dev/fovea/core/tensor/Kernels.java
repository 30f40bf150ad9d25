package dev.fovea.core.tensor;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.fovea.api.backend.KernelProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The {@link KernelProvider}s a {@link CustomOp} can choose from, keyed by op name and backend name.
 *
 * <pre>{@code
 * Kernels.installed()                       // found with ServiceLoader on first use, shared
 * Kernels.discover(classLoader)             // a fresh look at one class loader
 * Kernels.of(List.of(new MyCpuKernel()))    // exactly these (tests, or a program that wires its own)
 * }</pre>
 *
 * Backend names compare without regard to case; op names are case-sensitive. Two providers for the
 * same op and backend make that pair ambiguous: looking it up fails, naming both classes, while every
 * other pair keeps working.
 */
public final class Kernels {
    private static final class Installed {
        static final Kernels INSTANCE = discover(defaultLoader());
    }

    private final ImmutableList<KernelProvider> providers;
    private final Map<String, List<KernelProvider>> byKey = new LinkedHashMap<>();

    private Kernels(List<KernelProvider> providers) {
        this.providers = ImmutableList.copyOf(providers);
        for (KernelProvider p : this.providers) {
            Objects.requireNonNull(p.op(), () -> p.getClass().getName() + ".op() returned null");
            Objects.requireNonNull(p.backend(), () -> p.getClass().getName() + ".backend() returned null");
            byKey.computeIfAbsent(key(p.op(), p.backend()), k -> new ArrayList<>()).add(p);
        }
    }

    /** The kernels on the class path, discovered once (context class loader, else this class's). */
    public static Kernels installed() {
        return Installed.INSTANCE;
    }

    /** Every {@link KernelProvider} registered in {@code META-INF/services} visible to {@code loader}. */
    public static Kernels discover(ClassLoader loader) {
        List<KernelProvider> found = new ArrayList<>();
        ServiceLoader.load(KernelProvider.class, loader).forEach(found::add);
        return new Kernels(found);
    }

    /** Exactly {@code providers}, in this order. */
    public static Kernels of(List<? extends KernelProvider> providers) {
        return new Kernels(List.copyOf(providers));
    }

    /** No kernels at all: every op runs its fallback. */
    public static Kernels none() {
        return new Kernels(List.of());
    }

    /** The providers, in discovery order. */
    public ImmutableList<KernelProvider> providers() {
        return providers;
    }

    /**
     * The kernel of {@code op} for the backend named {@code backend}, if one is registered.
     *
     * @throws IllegalStateException if several providers claim the pair, naming their classes
     */
    public Optional<KernelProvider> find(String op, String backend) {
        List<KernelProvider> matches = byKey.get(key(op, backend));
        if (matches == null) {
            return Optional.empty();
        }
        if (matches.size() > 1) {
            throw new IllegalStateException("op '" + op + "' has " + matches.size() + " kernels for backend '"
                    + backend + "': " + matches.stream().map(p -> p.getClass().getName())
                            .collect(Collectors.joining(", "))
                    + "; remove all but one from the class path (META-INF/services/"
                    + KernelProvider.class.getName() + ")");
        }
        return Optional.of(matches.get(0));
    }

    /** The names of the backends that have a kernel for {@code op}, sorted (lowercase). */
    public ImmutableSortedSet<String> backendsFor(String op) {
        return providers.stream().filter(p -> p.op().equals(op))
                .map(p -> p.backend().toLowerCase(Locale.ROOT))
                .collect(ImmutableSortedSet.toImmutableSortedSet(String::compareTo));
    }

    @Override
    public String toString() {
        return "Kernels" + providers.stream().map(p -> p.op() + "@" + p.backend()).toList();
    }

    private static String key(String op, String backend) {
        return op + "\u0000" + backend.toLowerCase(Locale.ROOT);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : Kernels.class.getClassLoader();
    }
}
