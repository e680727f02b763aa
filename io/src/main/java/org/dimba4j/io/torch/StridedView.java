package org.dimba4j.io.torch;

import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.Shape;
import org.dimba4j.kernels.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A torch tensor as saved: a storage plus (offset, size, stride). Contiguous views become zero-copy slices of the
 * mapped storage; other views (transposes, slices with steps, expanded stride-0 dims) are copied into a dense
 * row-major segment of the same dtype, so the values equal {@code tensor.contiguous()} in PyTorch.
 */
final class StridedView {
    /** An expanded (stride 0) or overlapping view may be larger than its storage; past this, refuse to copy it. */
    static final long MAX_EXPANSION = 4, MAX_EXPANDED_BYTES = 256L << 20;

    private StridedView() {}

    /** Checks that every element the view addresses lies inside a storage of {@code storageNumel} elements. */
    static void check(Py.TensorRef t, long storageNumel, String what) {
        long numel;
        long last = t.offset();
        try {
            numel = Shape.numel(t.size());
            for (int i = 0; i < t.size().length; i++) {
                if (t.size()[i] > 0) last = Math.addExact(last, Math.multiplyExact(t.size()[i] - 1L, t.stride()[i]));
            }
        } catch (ArithmeticException e) {
            throw new TorchCheckpointException(what + ": view " + describe(t) + " overflows 64-bit indexing");
        }
        if (numel > 0 && last >= storageNumel) {
            throw new TorchCheckpointException(what + ": view " + describe(t) + " reaches element " + last
                    + " of a storage of " + storageNumel + " elements");
        }
        long bytes = numel * t.storage().dtype().byteSize();
        if (!isContiguous(t) && bytes > Math.max(MAX_EXPANDED_BYTES, MAX_EXPANSION * storageNumel * t.storage().dtype().byteSize())) {
            throw new TorchCheckpointException(what + ": view " + describe(t) + " would expand a " + storageNumel
                    + "-element storage to " + bytes + " bytes");
        }
    }

    /** True when the view is a dense row-major block (dims of size 1 may have any stride). */
    static boolean isContiguous(Py.TensorRef t) {
        long expect = 1;
        for (int i = t.size().length - 1; i >= 0; i--) {
            if (t.size()[i] == 0) return true;
            if (t.size()[i] != 1 && t.stride()[i] != expect) return false;
            expect *= t.size()[i];
        }
        return true;
    }

    /** The view as a dense tensor; {@code storage} holds the storage's bytes. Call {@link #check} first. */
    static Tensor materialise(Py.TensorRef t, MemorySegment storage) {
        DType dt = t.storage().dtype();
        int es = dt.byteSize();
        long numel = Shape.numel(t.size());
        if (isContiguous(t)) {
            long start = numel == 0 ? 0 : t.offset() * es;
            return Tensor.ofSegment(storage.asSlice(start, numel * es), dt, t.size());
        }
        MemorySegment out = Arena.ofAuto().allocate(Math.max(1, numel * es), 8).asSlice(0, numel * es);
        int rank = t.size().length;
        int[] idx = new int[rank];
        int inner = t.size()[rank - 1];
        long innerStride = t.stride()[rank - 1];
        long rows = numel / inner;
        long dst = 0;
        for (long r = 0; r < rows; r++) {
            long src = t.offset();
            for (int d = 0; d < rank - 1; d++) src += idx[d] * t.stride()[d];
            if (innerStride == 1) {
                MemorySegment.copy(storage, src * es, out, dst, (long) inner * es);
                dst += (long) inner * es;
            } else {
                for (int j = 0; j < inner; j++, dst += es) MemorySegment.copy(storage, (src + j * innerStride) * es, out, dst, es);
            }
            for (int d = rank - 2; d >= 0; d--) { // odometer over the outer dims
                if (++idx[d] < t.size()[d]) break;
                idx[d] = 0;
            }
        }
        return Tensor.ofSegment(out, dt, t.size());
    }

    static String describe(Py.TensorRef t) {
        return t.storage().dtype() + " size " + Arrays.toString(t.size()) + " stride " + Arrays.toString(t.stride())
                + " offset " + t.offset();
    }
}
