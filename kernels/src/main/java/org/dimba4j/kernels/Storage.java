package org.dimba4j.kernels;

/**
 * Where a tensor's elements live. Host storages are {@link HostStorage}; a device backend defines its own
 * (device buffers), so that activations stay resident between ops.
 */
public interface Storage {
    /** Number of bytes this storage holds. */
    long byteSize();
}
