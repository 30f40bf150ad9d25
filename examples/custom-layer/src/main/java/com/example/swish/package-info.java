/**
 * A user's own layer, {@link com.example.swish.Swish}, registered for checkpoints by
 * {@link com.example.swish.SwishLayers}, and a program, {@link com.example.swish.TrainDigits}, that
 * trains a model using it on the bundled digits, saves it and loads it back.
 */
package com.example.swish;
