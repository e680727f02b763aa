package org.dimba4j.infer;

import org.dimba4j.kernels.Backend;

import java.util.concurrent.ForkJoinPool;

/**
 * How {@link DimbaPipeline#load} sets up a model. Build with {@link #builder()}; every field has a default.
 *
 * @param device      "cpu", "opencl" or "auto" (an OpenCL GPU if present, else the CPU); ignored when
 *                    {@code backend} is given
 * @param backend     a backend the caller owns (not closed by the pipeline), or null to create one for {@code device}
 * @param threads     CPU kernel threads (0: {@code -Ddimba.threads}, default the core count); the pipeline owns
 *                    the pool it creates for them. Results are the same bits for every count.
 * @param pool        a fork/join pool the caller owns for the CPU kernels (overrides {@code threads}), or null
 * @param packWeights keep packed f32 copies of the memory-mapped linear weights on the heap (faster steps; 2x
 *                    a bf16 checkpoint's size, capped by {@code -Ddimba.packWeights.maxMB}); CPU backend only
 * @param limits      what requests may ask for
 */
public record PipelineOptions(String device, Backend backend, int threads, ForkJoinPool pool, boolean packWeights,
                              RequestLimits limits) {

    public PipelineOptions {
        device = device == null ? "auto" : device;
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0: the default), got " + threads);
        limits = limits == null ? RequestLimits.defaults() : limits;
    }

    public static PipelineOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String device = "auto";
        private Backend backend;
        private int threads;
        private ForkJoinPool pool;
        private boolean packWeights = Boolean.parseBoolean(System.getProperty("dimba.packWeights", "true"));
        private RequestLimits limits = RequestLimits.defaults();

        private Builder() {}

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder backend(Backend backend) {
            this.backend = backend;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder pool(ForkJoinPool pool) {
            this.pool = pool;
            return this;
        }

        public Builder packWeights(boolean packWeights) {
            this.packWeights = packWeights;
            return this;
        }

        public Builder limits(RequestLimits limits) {
            this.limits = limits;
            return this;
        }

        public PipelineOptions build() {
            return new PipelineOptions(device, backend, threads, pool, packWeights, limits);
        }
    }
}
