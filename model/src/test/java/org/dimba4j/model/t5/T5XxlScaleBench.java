package org.dimba4j.model.t5;

import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Manual scale benchmark (not a CI test; run by bench/t5-xxl-scale.sh): {@code generate DIR} writes a
 * synthetic bf16 T5 encoder with Flan-T5-XXL's shapes (d_model 4096, 24 layers, 64 heads of 64, d_ff 10240,
 * vocab 32128; 4.76 B parameters, ~9.5 GB) as config.json + model.safetensors; {@code encode DIR [TOKENS]}
 * loads it memory-mapped and encodes one prompt, printing times and the process's memory high-water mark.
 */
public final class T5XxlScaleBench {
    static final int D_MODEL = 4096, LAYERS = 24, HEADS = 64, D_KV = 64, D_FF = 10240, VOCAB = 32128, BUCKETS = 32;

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: T5XxlScaleBench generate DIR | encode DIR [TOKENS]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "generate" -> generate(dir);
            case "encode" -> encode(dir, args.length > 2 ? Integer.parseInt(args[2]) : 120);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** A tensor to write: name, shape, and the uniform half-width of its random values around {@code center}. */
    record Spec(String name, int[] shape, float center, float halfWidth) {
        long numel() {
            long n = 1;
            for (int s : shape) n *= s;
            return n;
        }
    }

    static List<Spec> specs() {
        Map<String, Spec> m = new TreeMap<>(); // safetensors writers sort by name
        float lin = (float) Math.sqrt(3.0 / D_MODEL), linFf = (float) Math.sqrt(3.0 / D_FF);
        int inner = HEADS * D_KV;
        m.put("shared.weight", new Spec("shared.weight", new int[] {VOCAB, D_MODEL}, 0f, 1.7f));
        m.put("encoder.final_layer_norm.weight", new Spec("encoder.final_layer_norm.weight", new int[] {D_MODEL}, 1f, 0.1f));
        String rb = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
        m.put(rb, new Spec(rb, new int[] {BUCKETS, HEADS}, 0f, 1f));
        for (int i = 0; i < LAYERS; i++) {
            String b = "encoder.block." + i + ".layer.";
            for (String p : new String[] {"q", "k", "v"}) {
                String n = b + "0.SelfAttention." + p + ".weight";
                m.put(n, new Spec(n, new int[] {inner, D_MODEL}, 0f, lin));
            }
            m.put(b + "0.SelfAttention.o.weight", new Spec(b + "0.SelfAttention.o.weight", new int[] {D_MODEL, inner}, 0f, (float) Math.sqrt(3.0 / inner)));
            m.put(b + "0.layer_norm.weight", new Spec(b + "0.layer_norm.weight", new int[] {D_MODEL}, 1f, 0.1f));
            m.put(b + "1.DenseReluDense.wi_0.weight", new Spec(b + "1.DenseReluDense.wi_0.weight", new int[] {D_FF, D_MODEL}, 0f, lin));
            m.put(b + "1.DenseReluDense.wi_1.weight", new Spec(b + "1.DenseReluDense.wi_1.weight", new int[] {D_FF, D_MODEL}, 0f, lin));
            m.put(b + "1.DenseReluDense.wo.weight", new Spec(b + "1.DenseReluDense.wo.weight", new int[] {D_MODEL, D_FF}, 0f, linFf));
            m.put(b + "1.layer_norm.weight", new Spec(b + "1.layer_norm.weight", new int[] {D_MODEL}, 1f, 0.1f));
        }
        return new ArrayList<>(m.values());
    }

    static void generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["T5EncoderModel"], "model_type": "t5", "d_model": %d, "d_kv": %d, "d_ff": %d,
                 "num_layers": %d, "num_heads": %d, "vocab_size": %d, "feed_forward_proj": "gated-gelu",
                 "relative_attention_num_buckets": %d, "relative_attention_max_distance": 128,
                 "layer_norm_epsilon": 1e-6, "dtype": "bfloat16"}
                """.formatted(D_MODEL, D_KV, D_FF, LAYERS, HEADS, VOCAB, BUCKETS));
        List<Spec> specs = specs();
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"note\":\"synthetic, random\"}");
        long offset = 0, params = 0;
        for (Spec s : specs) {
            long bytes = s.numel() * 2;
            header.append(",\"").append(s.name()).append("\":{\"dtype\":\"BF16\",\"shape\":").append(java.util.Arrays.toString(s.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            params += s.numel();
        }
        header.append('}');
        while ((header.length() + 8) % 8 != 0) header.append(' ');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        Path tmp = dir.resolve("model.safetensors.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(h.length).put(h).flip();
            while (head.hasRemaining()) ch.write(head);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 24).order(ByteOrder.LITTLE_ENDIAN);
            long state = 0x9E3779B97F4A7C15L;
            for (Spec s : specs) {
                for (long i = 0, n = s.numel(); i < n; i++) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    float u = (state >>> 40) * 0x1.0p-24f * 2f - 1f; // uniform [-1, 1)
                    buf.putShort((short) (Float.floatToRawIntBits(s.center() + s.halfWidth() * u) >>> 16));
                    if (!buf.hasRemaining()) {
                        buf.flip();
                        while (buf.hasRemaining()) ch.write(buf);
                        buf.clear();
                    }
                }
            }
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
        }
        Files.move(tmp, dir.resolve("model.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.err.printf("wrote %s: %d tensors, %.3f B parameters, %.2f GB in %.1f s%n", dir.resolve("model.safetensors"),
                specs.size(), params / 1e9, (offset + 8 + h.length) / 1e9, (System.nanoTime() - t0) / 1e9);
    }

    static void encode(Path dir, int tokens) throws IOException {
        long t0 = System.nanoTime();
        try (Backend be = Backends.cpu(); T5Encoder enc = T5Encoder.load(dir, be)) {
            long t1 = System.nanoTime();
            System.err.printf("load: %.2f s (backend %s)  %s%n", (t1 - t0) / 1e9, be.name(), memory());
            long[] ids = new long[tokens], mask = new long[tokens];
            java.util.Random r = new java.util.Random(42);
            for (int i = 0; i < tokens; i++) {
                ids[i] = i == tokens - 1 ? 1 : 3 + r.nextInt(32000);
                mask[i] = 1;
            }
            Tensor idsT = Tensor.ofLongs(ids, 1, tokens), maskT = Tensor.ofLongs(mask, 1, tokens);
            for (int run = 1; run <= 2; run++) {
                long a = System.nanoTime(), cpu0 = processCpuNanos();
                float[] out = be.download(enc.encode(idsT, maskT)).toFloatArray();
                double s = 0, s2 = 0;
                for (float v : out) {
                    if (!Float.isFinite(v)) throw new IllegalStateException("non-finite output");
                    s += v;
                    s2 += (double) v * v;
                }
                double sec = (System.nanoTime() - a) / 1e9, cpu = (processCpuNanos() - cpu0) / 1e9;
                // CPU seconds next to wall seconds: on a shared machine the wall time depends on the neighbours
                System.err.printf("encode #%d: %d tokens in %.2f s wall, %.2f s CPU (%.1f tokens/s, %.1f GFLOP/s wall over 2*params*tokens); out [1,%d,%d] mean %.4f rms %.4f  %s%n",
                        run, tokens, sec, cpu, tokens / sec, 2.0 * 4.76e9 * tokens / sec / 1e9, tokens, D_MODEL,
                        s / out.length, Math.sqrt(s2 / out.length), memory());
            }
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** VmHWM (peak RSS), VmRSS and its anonymous/file split: mapped weights show up as RssFile, copies as RssAnon. */
    static String memory() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM") || line.startsWith("VmRSS") || line.startsWith("RssAnon") || line.startsWith("RssFile")) {
                String[] p = line.split("\\s+");
                b.append(p[0]).append(' ').append(String.format("%.2fGiB", Long.parseLong(p[1]) / 1048576.0)).append(' ');
            }
        }
        Runtime rt = Runtime.getRuntime();
        return b.append(String.format("heap-used %.2fGiB", (rt.totalMemory() - rt.freeMemory()) / 1073741824.0)).toString();
    }
}
