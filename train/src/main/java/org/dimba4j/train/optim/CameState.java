package org.dimba4j.train.optim;

import org.dimba4j.kernels.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * CAME's state of one parameter, named as in {@code came_pytorch}: {@code exp_avg}; for rank >= 2
 * {@code exp_avg_sq_row} [..., R], {@code exp_avg_sq_col} [..., C], {@code exp_avg_res_row}, {@code exp_avg_res_col};
 * for rank 1 {@code exp_avg_sq}; and the step count.
 */
final class CameState {
    final int[] shape;
    final int batches, rows, cols;
    final float[] expAvg, expAvgSq, sqRow, sqCol, resRow, resCol;
    int step;

    CameState(int[] shape) {
        this.shape = shape.clone();
        int n = Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b));
        expAvg = new float[n];
        if (shape.length >= 2) {
            cols = shape[shape.length - 1];
            rows = shape[shape.length - 2];
            batches = cols * rows == 0 ? 0 : n / (rows * cols);
            expAvgSq = null;
            sqRow = new float[batches * rows];
            resRow = new float[batches * rows];
            sqCol = new float[batches * cols];
            resCol = new float[batches * cols];
        } else {
            batches = 1;
            rows = 1;
            cols = n;
            expAvgSq = new float[n];
            sqRow = sqCol = resRow = resCol = null;
        }
    }

    boolean factored() {
        return shape.length >= 2;
    }

    private int[] rowShape() {
        return Arrays.copyOf(shape, shape.length - 1);
    }

    private int[] colShape() {
        int[] s = Arrays.copyOf(shape, shape.length - 1);
        s[s.length - 1] = cols;
        return s;
    }

    void save(String name, Map<String, Tensor> tensors, Map<String, Double> scalars) {
        tensors.put("exp_avg." + name, Tensor.of(expAvg.clone(), shape));
        if (factored()) {
            tensors.put("exp_avg_sq_row." + name, Tensor.of(sqRow.clone(), rowShape()));
            tensors.put("exp_avg_sq_col." + name, Tensor.of(sqCol.clone(), colShape()));
            tensors.put("exp_avg_res_row." + name, Tensor.of(resRow.clone(), rowShape()));
            tensors.put("exp_avg_res_col." + name, Tensor.of(resCol.clone(), colShape()));
        } else {
            tensors.put("exp_avg_sq." + name, Tensor.of(expAvgSq.clone(), shape));
        }
        scalars.put("step." + name, (double) step);
    }

    static CameState load(OptimizerState saved, String name) {
        Tensor m = saved.tensors().get("exp_avg." + name);
        if (m == null) throw new IllegalArgumentException("came state: missing tensor exp_avg." + name);
        CameState s = new CameState(m.shape());
        copy(saved, "exp_avg." + name, s.expAvg);
        if (s.factored()) {
            copy(saved, "exp_avg_sq_row." + name, s.sqRow);
            copy(saved, "exp_avg_sq_col." + name, s.sqCol);
            copy(saved, "exp_avg_res_row." + name, s.resRow);
            copy(saved, "exp_avg_res_col." + name, s.resCol);
        } else {
            copy(saved, "exp_avg_sq." + name, s.expAvgSq);
        }
        s.step = StateCodec.step(saved, name);
        return s;
    }

    private static void copy(OptimizerState saved, String key, float[] into) {
        float[] v = StateCodec.tensor(saved, key);
        if (v.length != into.length) {
            throw new IllegalArgumentException("came state: " + key + " has " + v.length + " elements, expected " + into.length);
        }
        System.arraycopy(v, 0, into, 0, v.length);
    }
}
