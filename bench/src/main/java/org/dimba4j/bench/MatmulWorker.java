package org.dimba4j.bench;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The Java side of {@code bench/matmul-vs-numpy.sh}: reads "M K N REPS" lines on stdin, runs REPS f32 matmuls
 * of an M x K by K x N product, and answers with the median seconds per call. The driver interleaves these
 * requests with the same requests to NumPy workers, so both see the same machine load.
 */
public final class MatmulWorker {
    private MatmulWorker() {}

    public static void main(String[] args) throws Exception {
        Backend cpu = new CpuBackend();
        Map<String, Tensor[]> inputs = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready " + cpu.name());
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            String[] p = line.trim().split("\\s+");
            if (p.length != 4) continue;
            int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]), reps = Integer.parseInt(p[3]);
            Tensor[] ab = inputs.computeIfAbsent(m + "x" + k + "x" + n, key -> {
                Tensor[] t = {BenchBase.random(1, m, k), BenchBase.random(2, k, n)};
                for (int i = 0; i < 5; i++) cpu.matmul(t[0], t[1], false, false); // JIT warm-up
                return t;
            });
            double[] s = new double[reps];
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                cpu.matmul(ab[0], ab[1], false, false);
                s[r] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(s);
            System.out.println(s[reps / 2]);
            System.out.flush();
        }
    }
}
