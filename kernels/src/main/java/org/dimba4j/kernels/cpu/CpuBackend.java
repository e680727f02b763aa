package org.dimba4j.kernels.cpu;

import org.dimba4j.kernels.reference.ReferenceBackend;

/**
 * The CPU backend: Vector API kernels and a thread pool. Ops not yet given a vectorised kernel fall back to
 * the reference loops they inherit.
 */
public class CpuBackend extends ReferenceBackend {
    @Override
    public String name() {
        return "cpu";
    }
}
