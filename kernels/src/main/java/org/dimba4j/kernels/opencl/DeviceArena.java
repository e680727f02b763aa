package org.dimba4j.kernels.opencl;

import com.aparapi.Range;
import com.aparapi.device.OpenCLDevice;
import org.dimba4j.kernels.DType;
import org.dimba4j.kernels.HostStorage;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.TreeMap;

/**
 * Device memory of one {@link OpenClBackend}: the {@link DeviceKernel} with its {@code float[]} arenas, a first-fit
 * allocator over them (ranges come back when their {@link DeviceStorage} is unreachable), staged transfers, and
 * launches. Every launch and transfer holds this object's lock: an Aparapi kernel is not reentrant.
 *
 * <p>Limits: Aparapi keeps buffer sizes in a jint, so one arena holds just under 2 GiB; up to
 * {@link KernelBase#MAX_ARENAS} of them give 8 GiB. Each has a host twin of the same size in the Java heap (Aparapi
 * binds device buffers to Java arrays). On GPUs an arena must not move in the heap (Aparapi would re-create its
 * buffer from the stale host copy), so arenas are allocated once, large, and never replaced: G1 does not move
 * humongous arrays outside full GCs.
 */
final class DeviceArena implements AutoCloseable {
    static final int ALIGN = 16;
    static final int SMALL_STAGE = 1 << 14;
    static final int LARGE_STAGE = 1 << 20;
    static final int LOCAL_1D = 64;
    private static final Cleaner CLEANER = Cleaner.create();

    static {
        // Aparapi hands later kernel instances the program binary of the first; PoCL then rebuilds it from scratch
        // (tens of seconds) because its disk cache is keyed by source. From source, every instance hits that cache.
        com.aparapi.internal.kernel.KernelRunner.BINARY_CACHING_DISABLED = true;
    }

    private final OpenCLDevice device;
    private final DeviceKernel kernel;
    /** Largest arena: its byte size must fit Aparapi's jint, and addresses must fit {@link KernelBase#ARENA_BITS}. */
    static final int MAX_ARENA_FLOATS = (1 << KernelBase.ARENA_BITS) - 1024;

    private final long capacity;
    /** Free ranges: offset -> length, coalesced. */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private long used;
    /** Highest arena index an allocation has used (tests check that ops mix arenas). */
    private int highestArena;
    private long uploads, downloads, bytesUp, bytesDown, launches;
    private boolean closed;

    /** Arenas totalling {@code totalFloats}, none above {@code maxArenaFloats} (the device's largest allocation). */
    DeviceArena(OpenCLDevice device, long totalFloats, int maxArenaFloats) {
        this.device = device;
        int per = Math.min(maxArenaFloats, MAX_ARENA_FLOATS) / ALIGN * ALIGN;
        int count = (int) Math.min(KernelBase.MAX_ARENAS, (totalFloats + per - 1) / per);
        int[] sizes = new int[Math.max(1, count)];
        long left = totalFloats, total = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) Math.max(ALIGN, Math.min(per, left) / ALIGN * ALIGN);
            left -= sizes[i];
            total += sizes[i];
            free.put(i << KernelBase.ARENA_BITS, sizes[i]);
        }
        this.capacity = total;
        this.kernel = new DeviceKernel(sizes, SMALL_STAGE, LARGE_STAGE);
    }

    String deviceName() {
        return device.getName();
    }

    OpenCLDevice device() {
        return device;
    }

    DeviceKernel kernel() {
        return kernel;
    }

    // ---- allocation ---------------------------------------------------------------------------------

    /**
     * A new range of {@code n} floats; it returns to the arena when the storage is unreachable. Call it without holding
     * this object's lock (a full arena waits for the Cleaner, which needs the lock).
     */
    DeviceStorage allocate(long n) {
        int len = Math.toIntExact(Math.max(ALIGN, (n + ALIGN - 1) / ALIGN * ALIGN));
        for (int attempt = 0; ; attempt++) {
            Integer off = take(len);
            if (off != null) {
                DeviceStorage s = new DeviceStorage(this, off, Math.toIntExact(n));
                int o = off;
                s.onFree(CLEANER.register(s, () -> release(o, len)));
                return s;
            }
            if (attempt == 3) {
                synchronized (this) {
                    throw new IllegalStateException(String.format("OpenCL arena full: need %.1f MiB, %.1f MiB of %.1f MiB"
                                    + " in use; set -Ddimba.opencl.arenaMB (up to 4 arenas of the device's largest allocation, 2 GiB each at"
                                    + " most) or free tensors", len / 262144.0,
                            used / 262144.0, capacity / 262144.0));
                }
            }
            // Ranges of unreachable tensors come back through the Cleaner after a GC.
            System.gc();
            try {
                Thread.sleep(20L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for OpenCL memory", e);
            }
        }
    }

    private synchronized Integer take(int len) {
        for (Map.Entry<Integer, Integer> e : free.entrySet()) {
            if (e.getValue() >= len) {
                int off = e.getKey(), rest = e.getValue() - len;
                free.remove(off);
                if (rest > 0) free.put(off + len, rest);
                used += len;
                highestArena = Math.max(highestArena, off >>> KernelBase.ARENA_BITS);
                return off;
            }
        }
        return null;
    }

    private synchronized void release(int off, int len) {
        used -= len;
        int start = off, end = off + len;
        Map.Entry<Integer, Integer> before = free.floorEntry(off);
        if (before != null && before.getKey() + before.getValue() == off) {
            start = before.getKey();
            free.remove(before.getKey());
        }
        Integer after = free.get(end);
        if (after != null) {
            free.remove(end);
            end += after;
        }
        free.put(start, end - start);
    }

    synchronized long usedFloats() {
        return used;
    }

    synchronized int highestArenaUsed() {
        return highestArena;
    }

    // ---- transfers ----------------------------------------------------------------------------------

    /** Uploads {@code n} elements of a host storage (widened to f32) into a new device range: one transfer per chunk. */
    DeviceStorage upload(HostStorage host, DType dtype, int n) {
        DeviceStorage dst = allocate(n); // outside the lock: waiting for the Cleaner needs it free
        synchronized (this) {
            stageIn(host, dtype, n, dst);
        }
        return dst;
    }

    private void stageIn(HostStorage host, DType dtype, int n, DeviceStorage dst) {
        float[] src = host.floats();
        MemorySegment seg = host.segment();
        for (int done = 0; done < n; ) {
            int chunk = Math.min(n - done, LARGE_STAGE);
            boolean large = chunk > SMALL_STAGE;
            float[] stage = large ? kernel.stageLarge : kernel.stageSmall;
            if (src != null) {
                System.arraycopy(src, done, stage, 0, chunk);
            } else {
                for (int i = 0; i < chunk; i++) stage[i] = HostStorage.readAsFloat(seg, dtype, done + (long) i);
            }
            kernel.put(stage);
            bytesUp += 4L * stage.length;
            kernel.op = KernelBase.OP_STAGE_IN;
            kernel.oOff = dst.offset() + done;
            kernel.n0 = chunk;
            kernel.n1 = large ? 1 : 0;
            launch1d(chunk);
            done += chunk;
        }
        uploads++;
    }

    /** Downloads {@code n} elements starting at {@code src}: one transfer per chunk. */
    synchronized float[] download(DeviceStorage src, int n) {
        float[] out = new float[n];
        for (int done = 0; done < n; ) {
            int chunk = Math.min(n - done, LARGE_STAGE);
            boolean large = chunk > SMALL_STAGE;
            float[] stage = large ? kernel.stageLarge : kernel.stageSmall;
            kernel.op = KernelBase.OP_STAGE_OUT;
            kernel.aOff = src.offset() + done;
            kernel.n0 = chunk;
            kernel.n1 = large ? 1 : 0;
            launch1d(chunk);
            kernel.get(stage);
            bytesDown += 4L * stage.length;
            System.arraycopy(stage, 0, out, done, chunk);
            done += chunk;
        }
        downloads++;
        return out;
    }

    synchronized TransferStats stats() {
        return new TransferStats(uploads, downloads, bytesUp, bytesDown, launches);
    }

    synchronized void resetStats() {
        uploads = downloads = bytesUp = bytesDown = launches = 0;
    }

    // ---- launches -----------------------------------------------------------------------------------

    /** Launches the kernel's current op over {@code n} work-items (rounded up to whole work-groups). */
    synchronized void launch1d(int n) {
        if (n <= 0) return;
        int global = (n + LOCAL_1D - 1) / LOCAL_1D * LOCAL_1D;
        execute(device.createRange(global, LOCAL_1D));
    }

    /** Launches with explicit global and local sizes (global a multiple of local). */
    synchronized void launchGroups(int global, int local) {
        if (global <= 0) return;
        execute(device.createRange(global, local));
    }

    synchronized void launch3d(int gx, int gy, int gz, int lx, int ly, int lz) {
        if (gx <= 0 || gy <= 0 || gz <= 0) return;
        execute(device.createRange3D(gx, gy, gz, lx, ly, lz));
    }

    private void execute(Range range) {
        if (closed) throw new IllegalStateException("OpenCL backend on " + deviceName() + " is closed");
        kernel.execute(range);
        launches++;
        // Aparapi may also have marked the device failed and moved the kernel elsewhere for the next launch.
        if (!kernel.isRunningCL()) {
            throw new IllegalStateException("Aparapi is no longer running this kernel on OpenCL (device "
                    + deviceName() + " failed); refusing its Java fallback");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            kernel.dispose();
        }
    }
}
