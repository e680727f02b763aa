package org.dimba4j.infer;

import org.dimba4j.infer.cli.CliRun;
import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.Png;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.vae.VaeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library facade on the tiny reference model: same bits as the CLI, cancellation, concurrency, validation, close. */
class DimbaPipelineTest {
    private static final Path TINY = Path.of("../models/tiny-reference");
    private static DimbaPipeline pipe;

    @BeforeAll
    static void load() {
        pipe = DimbaPipeline.load(TINY, PipelineOptions.builder().device("cpu").build());
    }

    @AfterAll
    static void close() {
        pipe.close();
    }

    private static GenerationRequest.Builder fox(long seed) {
        return GenerationRequest.builder("a red fox in the snow").steps(6).seed(seed);
    }

    @Test
    void pngEqualsTheClisFileByteForByte(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("fox.png");
        CliRun cli = CliRun.run("generate", "--prompt", "a red fox in the snow", "--model", TINY.toString(), "--steps", "6",
                "--seed", "42", "--device", "cpu", "-o", png.toString());
        assertEquals(0, cli.code(), cli.err());
        GenerationResult r = pipe.generate(fox(42).build());
        assertArrayEquals(Files.readAllBytes(png), r.png(0), "facade PNG vs dimba generate's file");
        GenerationParameters p = Png.read(r.png(0)).parameters();
        assertEquals(42L, p.seed());
        assertEquals("tiny-reference", p.model());
        assertEquals(64, r.image(0).getWidth());
        assertEquals(42L, r.seed());
        assertEquals(6, r.timings().steps());
        assertTrue(r.timings().sampleSeconds() > 0 && r.timings().decodeSeconds() > 0, r.timings().toString());
    }

    @Test
    void cancellingAfterThreeStepsStopsThereAndTheModelStaysUsable() {
        CancellationToken token = new CancellationToken();
        List<Integer> steps = Collections.synchronizedList(new ArrayList<>());
        ProgressListener cancelAt3 = new ProgressListener() {
            @Override
            public void onStep(int step, int total, double seconds) {
                steps.add(step);
                if (step == 3) token.cancel();
            }
        };
        assertThrows(CancellationException.class, () -> pipe.generate(fox(1).steps(10).build(), cancelAt3, token));
        assertEquals(List.of(1, 2, 3), steps, "no step after the cancel");
        assertEquals(0, pipe.pending());
        GenerationResult after = pipe.generate(fox(1).steps(10).build());
        assertEquals(1, after.count());
    }

    @Test
    void aQueuedJobCancelledBeforeItStartsNeverRuns() throws Exception {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        GenerationJob blocker = pipe.submit(fox(2).build(), new ProgressListener() {
            @Override
            public void onStart(GenerationRequest request) {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(started.await(60, TimeUnit.SECONDS));
        List<Integer> steps = Collections.synchronizedList(new ArrayList<>());
        GenerationJob queued = pipe.submit(fox(3).build(), new ProgressListener() {
            @Override
            public void onStep(int step, int total, double seconds) {
                steps.add(step);
            }
        });
        assertEquals(2, pipe.pending());
        assertTrue(queued.cancel(true));
        release.countDown();
        assertEquals(1, blocker.get().count());
        assertTrue(queued.isCancelled());
        assertThrows(CancellationException.class, queued::get);
        assertEquals(List.of(), steps);
    }

    @Test
    void concurrentCallersGetTheImagesOfSerialCalls() throws Exception {
        long[] seeds = {11, 12, 13, 14};
        List<float[]> serial = new ArrayList<>();
        for (long s : seeds) serial.add(pipe.generate(fox(s).steps(4).build()).pixels().toFloatArray());
        ExecutorService callers = Executors.newFixedThreadPool(seeds.length);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<float[]>> futures = new ArrayList<>();
            for (long s : seeds) {
                futures.add(callers.submit(() -> {
                    go.await();
                    return pipe.generate(fox(s).steps(4).build()).pixels().toFloatArray();
                }));
            }
            go.countDown();
            for (int i = 0; i < seeds.length; i++) {
                assertArrayEquals(serial.get(i), futures.get(i).get(120, TimeUnit.SECONDS), "seed " + seeds[i]);
            }
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void anInjectedPoolGivesTheSameBits() {
        float[] want = pipe.generate(fox(5).steps(3).build()).latents().floats();
        for (int threads : new int[] {1, 3}) {
            ForkJoinPool pool = CpuBackend.newPool(threads);
            try (DimbaPipeline p = DimbaPipeline.load(TINY, PipelineOptions.builder().device("cpu").pool(pool)
                    .packWeights(threads == 1).build())) {
                assertArrayEquals(want, p.generate(fox(5).steps(3).build()).latents().floats(), threads + " threads");
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void invalidRequestsNameTheFieldBeforeAnyWork() {
        assertField("steps", "0 must be between 1 and 1000", () -> fox(1).steps(0).build());
        assertField("steps", "1001 must be between 1 and 1000", () -> fox(1).steps(1001).build());
        assertField("guidance", "NaN must be a finite number", () -> fox(1).guidance(Double.NaN).build());
        assertField("guidance", "Infinity must be a finite number", () -> fox(1).guidance(Double.POSITIVE_INFINITY).build());
        assertField("sampler", "'euler' is unknown", () -> fox(1).sampler("euler").build());
        assertField("prompt", "is missing", () -> GenerationRequest.builder(null).build());
        assertField("width", "60 must be a positive multiple of 16", () -> pipe.check(fox(1).size(60, 64).build()));
        assertField("height", "8200 exceeds the limit of 8192 pixels", () -> pipe.check(fox(1).size(64, 8200).build()));
        assertField("prompt", "of 10001 characters exceeds the limit of 10000", () -> pipe.check(
                GenerationRequest.builder("x".repeat(10_001)).seed(1).build()));
        assertField("batch", "65 exceeds the limit of 64", () -> pipe.check(fox(1).batch(65).build()));
        // the same checks from the folder's configs alone, as the CLI runs them before loading
        assertField("width", "60 must be a positive multiple of 16", () -> DimbaPipeline.check(TINY,
                fox(1).size(60, 64).build(), PipelineOptions.defaults()));
        assertEquals(0, pipe.pending());
    }

    @Test
    void sizesWhoseTensorsOverflowOrExceedTheHeapAreRefused() {
        DimbaConfig t = DimbaConfig.load(TINY.resolve("transformer/config.json"));
        VaeConfig v = VaeConfig.load(TINY.resolve("vae/config.json"));
        RequestLimits open = new RequestLimits(1 << 20, 1 << 20, 64, 1000, 10_000);
        // 100000^2 px: the decoded images alone are 3e10 floats
        RequestCheck huge = new RequestCheck(t, v, open, Long.MAX_VALUE);
        assertField("size", "100000x100000 needs a tensor of 30000000000 elements (the images [1, 3, 100000, 100000]);"
                + " the limit is 2^31-1", () -> huge.check(fox(1).size(100_000, 100_000).build()));
        // 4096^2 px at batch 2: within int, but about 1.5 GiB against a 512 MiB heap
        RequestCheck small = new RequestCheck(t, v, open, 512L << 20);
        assertField("size", "4096x4096 at batch 2 needs about", () -> small.check(fox(1).size(4096, 4096).batch(2).build()));
        assertField("size", "1.5 GiB of heap for its activations; this JVM may use at most 0.5 GiB", () -> small.check(fox(1).size(4096, 4096).batch(2).build()));
        assertEquals(512, small.check(fox(1).size(512, 512).build()).width(), "a size that fits passes");
    }

    @Test
    void closeWaitsForTheRunningRequestAndRefusesNewOnes() throws Exception {
        DimbaPipeline p = DimbaPipeline.load(TINY, PipelineOptions.builder().device("cpu").build());
        CountDownLatch started = new CountDownLatch(1);
        GenerationJob running = p.submit(fox(7).steps(8).build(), new ProgressListener() {
            @Override
            public void onStep(int step, int total, double seconds) {
                started.countDown();
            }
        });
        assertTrue(started.await(60, TimeUnit.SECONDS));
        p.close();
        assertTrue(running.isDone() && !running.isCancelled(), "close waited for the running request");
        assertEquals(1, running.get().count());
        var e = assertThrows(IllegalStateException.class, () -> p.generate(fox(8).build()));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        p.close(); // idempotent
    }

    private static void assertField(String field, String text, Runnable r) {
        var e = assertThrows(InvalidRequestException.class, r::run);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + " ") && e.getMessage().contains(text), e.getMessage());
    }
}
