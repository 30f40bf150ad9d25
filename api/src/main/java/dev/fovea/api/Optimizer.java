package dev.fovea.api;

import java.util.List;

/** Moves parameters against their gradients: the "backpropagation changes the weights" step. */
public interface Optimizer {

    /** Updates every parameter from its current gradient (parameters without one are skipped). */
    void step();

    /** Clears the gradients of every parameter, ready for the next backward pass. */
    void zeroGrad();

    /** The current learning rate. */
    double learningRate();

    /** Sets the learning rate (what schedulers call between steps). */
    void setLearningRate(double learningRate);

    /** The parameters this optimizer updates, in a fixed order. */
    List<Tensor> parameters();
}
