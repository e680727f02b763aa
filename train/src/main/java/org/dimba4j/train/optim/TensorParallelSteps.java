package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer step over many parameters with the tensors spread over the CPU kernel threads. Every tensor's update
 * reads only its own parameter, gradient and state, so the result is the same bits as the one-by-one loop whatever
 * the thread count; only the wall time changes. Tensors on a device (OpenCL) stay one by one, on the caller's thread.
 */
final class TensorParallelSteps {
    /** Below this many elements in all, one thread does the step: forking would cost more than it saves. */
    private static final long MIN_PARALLEL_ELEMENTS = 1 << 16;

    private TensorParallelSteps() {}

    /**
     * {@link Optimizer#step(Map, Map, double)} of {@code opt}, in parallel when every tensor is on the host (a device
     * tensor's download and upload stay on this thread).
     */
    static Map<String, Tensor> step(Optimizer opt, Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(opt.name() + ": invalid learning rate " + lr);
        List<String> names = new ArrayList<>();
        long elements = 0;
        boolean host = true;
        for (var e : params.entrySet()) {
            Tensor p = e.getValue(), g = grads.get(e.getKey());
            if (g == null) continue;
            // a mismatch fails here, in name order, before any tensor moves: the one-tensor step checks shapes
            // first and names the problem in the optimizer's own words
            if (!Arrays.equals(p.shape(), g.shape())) opt.step(e.getKey(), p, g, lr);
            names.add(e.getKey());
            elements += p.numel();
            host &= p.isHost() && g.isHost();
        }
        Tensor[] out = new Tensor[names.size()];
        int threads = Math.min(CpuBackend.parallelism(), names.size());
        if (!host || threads <= 1 || elements < MIN_PARALLEL_ELEMENTS) {
            for (int i = 0; i < out.length; i++) out[i] = stepOne(opt, names.get(i), params, grads, lr);
        } else {
            int[][] share = balance(names, params, threads);
            CpuBackend.parallelFor(threads, t -> {
                for (int i : share[t]) out[i] = stepOne(opt, names.get(i), params, grads, lr);
            });
        }
        Map<String, Tensor> updated = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) updated.put(names.get(i), out[i]);
        return updated;
    }

    private static Tensor stepOne(Optimizer opt, String name, Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        return opt.step(name, params.get(name), grads.get(name), lr);
    }

    /** Tensor indices per thread, largest first to the least loaded thread: shares within one tensor of equal. */
    static int[][] balance(List<String> names, Map<String, Tensor> params, int threads) {
        Integer[] order = new Integer[names.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(params.get(names.get(b)).numel(), params.get(names.get(a)).numel()));
        long[] load = new long[threads];
        List<List<Integer>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) shares.add(new ArrayList<>());
        for (int i : order) {
            int least = 0;
            for (int t = 1; t < threads; t++) if (load[t] < load[least]) least = t;
            shares.get(least).add(i);
            load[least] += params.get(names.get(i)).numel();
        }
        int[][] out = new int[threads][];
        for (int t = 0; t < threads; t++) out[t] = shares.get(t).stream().mapToInt(Integer::intValue).toArray();
        return out;
    }
}
