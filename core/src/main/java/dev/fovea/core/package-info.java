/**
 * Fovea's library above the backend SPI. Sub-packages: {@code device} (backend discovery and
 * selection), {@code tensor} (the tensor with reverse-mode autograd and its operations),
 * {@code autograd} (the public gradient checker).
 */
package dev.fovea.core;
