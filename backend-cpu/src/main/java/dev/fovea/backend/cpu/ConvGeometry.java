package dev.fovea.backend.cpu;

import dev.fovea.api.backend.ConvSpec;

/**
 * Sizes of one convolution call: input {@code [n, c, h, w]}, weights {@code [cout, c / groups, kh, kw]},
 * output {@code [n, cout, oh, ow]}, and the im2col matrix of one group of one image,
 * {@code R = (c / groups) * kh * kw} rows by {@code P = oh * ow} columns.
 */
record ConvGeometry(int n, int c, int h, int w, int cout, int kh, int kw, int oh, int ow, ConvSpec spec) {

    int groups() {
        return spec.groups();
    }

    int cinPerGroup() {
        return c / spec.groups();
    }

    int coutPerGroup() {
        return cout / spec.groups();
    }

    /** Rows of the im2col matrix: (C / groups) * kH * kW. */
    int r() {
        return cinPerGroup() * kh * kw;
    }

    /** Columns of the im2col matrix: outH * outW. */
    int p() {
        return oh * ow;
    }

    /** First output column whose input column {@code ox * stride + off} is {@code >= 0}. */
    static int firstValid(int off, int stride) {
        return off >= 0 ? 0 : (-off + stride - 1) / stride;
    }

    /** One past the last output column whose input column {@code ox * stride + off} is {@code < size}. */
    static int endValid(int off, int stride, int size, int outSize) {
        int room = size - off;
        return room <= 0 ? 0 : Math.min(outSize, (room + stride - 1) / stride);
    }
}
