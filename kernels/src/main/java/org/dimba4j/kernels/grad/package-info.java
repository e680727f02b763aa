/**
 * What the backward ops of {@link org.dimba4j.kernels.Backend} return: the gradients of an op's inputs, given the
 * gradient of its output. Each record names its fields after the forward op's arguments.
 */
package org.dimba4j.kernels.grad;
