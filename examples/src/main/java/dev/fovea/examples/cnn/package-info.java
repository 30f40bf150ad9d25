/**
 * Training a CNN end to end with Fovea: the models the {@code fovea train} command offers
 * ({@link dev.fovea.examples.cnn.Models}: LeNet and a small VGG-style net), the data sets it reads,
 * and the run itself ({@link dev.fovea.examples.cnn.CnnTraining}): normalised inputs, a seeded
 * model, SGD or Adam, the Trainer, and the first layer's filters drawn before and after training.
 */
package dev.fovea.examples.cnn;
