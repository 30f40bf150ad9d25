package dev.fovea.core.tensor;

/**
 * One recorded operation in the dynamic graph: the tensors it read and the rule that turns the
 * gradient of its result into gradients of those tensors. After a backward pass that does not retain
 * the graph, the node is freed and a second pass through it fails.
 */
final class Node {
    /** The backward rule: one gradient per parent ({@code null} where none is needed), each of the parent's shape. */
    @FunctionalInterface
    interface Rule {
        DenseTensor[] apply(DenseTensor gradOutput);
    }

    private final String op;
    private DenseTensor[] parents;
    private Rule rule;

    Node(String op, DenseTensor[] parents, Rule rule) {
        this.op = op;
        this.parents = parents;
        this.rule = rule;
    }

    String op() {
        return op;
    }

    boolean isFreed() {
        return rule == null;
    }

    DenseTensor[] parents() {
        return parents;
    }

    Rule rule() {
        return rule;
    }

    void free() {
        parents = null;
        rule = null;
    }
}
