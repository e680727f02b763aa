/**
 * The OpenCL backend: every {@link org.dimba4j.kernels.Backend} op as an Aparapi kernel written in plain Java and
 * translated to OpenCL C at run time. It runs on any OpenCL 1.2+ device: PoCL on the CPU in CI (correctness), GPUs for
 * speed. {@code Backends.select("opencl")} uses the best device (a GPU, else any, PoCL included);
 * {@code "auto"} uses an OpenCL GPU if there is one, else the CPU backend. {@code dimba devices} lists them.
 *
 * <h2>Residency</h2>
 * Aparapi binds device buffers to Java primitive arrays per {@code Kernel} instance and keeps one entry point per
 * instance, so there is one kernel ({@link org.dimba4j.kernels.opencl.DeviceKernel}) whose {@code run()} dispatches on
 * an op code, over up to four {@code float[]} arenas in which every tensor is a range
 * ({@link org.dimba4j.kernels.opencl.DeviceStorage}) addressed by an int whose top bits name the arena. In explicit mode only two staging arrays ever cross the bus
 * ({@link org.dimba4j.kernels.opencl.DeviceArena#upload}/{@code download}); op results stay on the device. Mapped
 * weights (f32/f16/bf16 segments) are widened and uploaded on first use and cached by storage identity; host heap
 * arrays are uploaded per op. {@link org.dimba4j.kernels.opencl.OpenClBackend#transfers()} counts every crossing.
 *
 * <h2>Kernels and launch shapes</h2>
 * Each kernel method's comment gives its launch shape; element-parallel ops use 64-wide work-groups. Matmul: 64 x 64
 * C block per 16 x 16 work-group, 4 x 4 per work-item, A/B blocks in local memory. Attention: flash-style, 16 queries
 * per work-group, 16-key K/V blocks in local memory, online softmax in private memory (head dim &lt;= 128). Selective
 * scan: one work-item per (batch, channel), state in private memory (d_state &lt;= 64). Norms and softmax: one
 * 64-wide work-group per row (GroupNorm: per sample and group) reducing in local memory. Layout ops: one strided-copy
 * kernel. Every tensor access goes through {@code ld}/{@code st}, which pick the arena from the address's top bits.
 *
 * <h2>Backward kernels</h2>
 * Deterministic (no atomics): each gradient element is summed in a fixed order by one work-item, or from partials
 * reduced in a second launch. Attention: FlashAttention-2 style recomputation (per query row logsumexp and
 * D = dO.O, then dQ per query row, dK/dV per key), no Lq x Lk matrix. Selective scan: one work-item per (batch,
 * channel) recomputes its states into a scratch [B, L, E, N] buffer and walks time backwards, dB/dC reduced over
 * channels and dA/dD over the batch afterwards. Norm weight gradients: one work-item per channel over the rows.
 * Embedding: the host sorts positions by id, so the scatter-add becomes a gather.
 *
 * <h2>Limits</h2>
 * <ul>
 *   <li>One arena holds just under 2 GiB (Aparapi stores buffer sizes in a jint), four of them 8 GiB: Dimba-L's f32
 *       weights (~3.3 GB) fit, T5-XXL's (~19 GB) do not (run the text encoder on the CPU). The Java heap needs as much
 *       again: Aparapi binds each device buffer to a Java array of the same size.</li>
 *   <li>Aparapi re-creates a buffer from the host array when the Java array moves; on a discrete GPU that would lose
 *       device data, so the arena is one large (humongous, never moved by G1 outside full GCs) array allocated
 *       once.</li>
 *   <li>Aparapi falls back to Java silently when translation fails; {@link org.dimba4j.kernels.opencl.KernelBase#failIfJava}
 *       turns that into an exception.</li>
 * </ul>
 */
package org.dimba4j.kernels.opencl;
