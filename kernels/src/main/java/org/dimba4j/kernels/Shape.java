package org.dimba4j.kernels;

import java.util.Arrays;

/** Static helpers for int[] shapes (row-major, last dimension contiguous). */
public final class Shape {
    private Shape() {}

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Product of all dimensions but the last: the number of rows when a tensor is seen as a matrix. */
    public static int rows(int[] shape) {
        return Math.toIntExact(numel(Arrays.copyOf(shape, shape.length - 1)));
    }

    public static int last(int[] shape) {
        return shape[shape.length - 1];
    }

    public static int[] withLast(int[] shape, int last) {
        int[] s = shape.clone();
        s[s.length - 1] = last;
        return s;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Row-major strides in elements. */
    public static long[] strides(int[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** Numpy broadcasting of two shapes; throws naming both shapes when they are incompatible. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }
}
