package org.dimba4j.infer;

import org.dimba4j.io.image.GenerationParameters;
import org.dimba4j.io.image.ImageTensors;
import org.dimba4j.io.image.RgbImage;
import org.dimba4j.kernels.Backend;
import org.dimba4j.kernels.Backends;
import org.dimba4j.kernels.Tensor;
import org.dimba4j.kernels.cpu.CpuBackend;
import org.dimba4j.model.dimba.DimbaConfig;
import org.dimba4j.model.vae.VaeConfig;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Text to image as a library: load a model folder once, then {@link #generate} from any number of threads.
 * <pre>{@code
 * try (DimbaPipeline pipe = DimbaPipeline.load(Path.of("models/tiny-reference"), PipelineOptions.defaults())) {
 *     GenerationResult r = pipe.generate(GenerationRequest.builder("a red fox in the snow").seed(42).build());
 *     Files.write(Path.of("fox.png"), r.png(0));
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A pipeline owns one device thread ("dimba4j-device-MODEL"); every request's model work
 * (T5, the sampler's steps, the VAE) runs there, one request at a time in submission order, its kernels split over
 * the CPU pool (or the OpenCL device). What runs on the caller's thread, concurrently with other callers: the
 * request's validation ({@link #check}: limits, size, memory estimate, before queueing) and, afterwards, PNG
 * encoding ({@link GenerationResult#png}). So one loaded model serves many callers with the memory of one run,
 * the kernels' per-thread scratch lives only on the device and pool threads, and the results are the same bits as
 * serial calls. The model's weights are memory-mapped and read-only.
 *
 * <p><b>Cancelling.</b> {@link GenerationJob#cancel} or a {@link CancellationToken}: checked before each denoiser
 * evaluation; the request ends with {@link CancellationException}, the model stays usable.
 *
 * <p><b>Closing.</b> {@link #close} refuses new requests at once ({@link IllegalStateException}), waits for the
 * queued and running ones to finish, then frees the model (and the backend and pool it created).
 */
public final class DimbaPipeline implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DimbaPipeline.class.getName());

    private final TextToImagePipeline engine;
    private final Backend backend;
    private final boolean ownsBackend;
    private final ForkJoinPool pool;
    private final boolean ownsPool;
    private final RequestCheck check;
    private final PhaseTimer loadTimer;
    private final ExecutorService device;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    private DimbaPipeline(TextToImagePipeline engine, Backend backend, boolean ownsBackend, ForkJoinPool pool,
                          boolean ownsPool, RequestCheck check, PhaseTimer loadTimer) {
        this.engine = engine;
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.check = check;
        this.loadTimer = loadTimer;
        String name = engine.modelDir().toAbsolutePath().normalize().getFileName().toString();
        this.device = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dimba4j-device-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Loads a model folder (tokenizer/, text_encoder/, transformer/, vae/). Fails with an
     * {@link IllegalArgumentException} naming the folder or file for a missing or inconsistent part.
     */
    public static DimbaPipeline load(Path modelDir, PipelineOptions options) {
        RequestCheck check = checker(modelDir, options); // config errors before any weight is mapped
        Backend backend = options.backend() != null ? options.backend() : Backends.select(options.device(), options.packWeights());
        boolean ownsPool = options.pool() == null && options.threads() > 0;
        ForkJoinPool pool = options.pool() != null ? options.pool() : ownsPool ? CpuBackend.newPool(options.threads()) : null;
        PhaseTimer timer = new PhaseTimer();
        try {
            TextToImagePipeline engine = onPool(pool, () -> TextToImagePipeline.load(modelDir, backend, timer));
            LOG.log(System.Logger.Level.DEBUG, () -> "loaded " + modelDir + " (" + timer + ")");
            return new DimbaPipeline(engine, backend, options.backend() == null, pool, ownsPool, check, timer);
        } catch (RuntimeException | Error e) {
            if (options.backend() == null) backend.close();
            if (ownsPool) pool.shutdown();
            throw e;
        }
    }

    /**
     * Validates {@code request} against the model folder's configs without loading any weights (the CLI calls this
     * before loading): returns it with its size resolved, or throws an {@link InvalidRequestException} naming the field.
     */
    public static GenerationRequest check(Path modelDir, GenerationRequest request, PipelineOptions options) {
        return checker(modelDir, options).check(request);
    }

    /** {@link #check(Path, GenerationRequest, PipelineOptions)} with the configs read once, for many requests. */
    public static java.util.function.UnaryOperator<GenerationRequest> requestChecker(Path modelDir, PipelineOptions options) {
        RequestCheck c = checker(modelDir, options);
        return c::check;
    }

    private static RequestCheck checker(Path modelDir, PipelineOptions options) {
        for (String part : List.of("tokenizer", "text_encoder", "transformer", "vae")) {
            if (!Files.isDirectory(modelDir.resolve(part))) {
                throw new IllegalArgumentException(modelDir + ": no " + part + "/ folder (a model folder holds tokenizer/,"
                        + " text_encoder/, transformer/ and vae/; `dimba import-official` makes one)");
            }
        }
        DimbaConfig t = DimbaConfig.load(modelDir.resolve("transformer/config.json"));
        VaeConfig v = VaeConfig.load(modelDir.resolve("vae/config.json"));
        return new RequestCheck(t, v, options.limits(), Runtime.getRuntime().maxMemory());
    }

    /** Validates a request against this model and the limits; returns it with its size resolved. */
    public GenerationRequest check(GenerationRequest request) {
        return check.check(request);
    }

    /** Generates on the device thread and waits; see {@link #submit}. */
    public GenerationResult generate(GenerationRequest request) {
        return generate(request, ProgressListener.NONE, new CancellationToken());
    }

    /**
     * Generates on the device thread and waits. Throws {@link InvalidRequestException} before queueing,
     * {@link CancellationException} when {@code cancel} is set (or this thread is interrupted while waiting), and
     * the run's own exception (an {@link OutOfMemoryError} included) when it fails.
     */
    public GenerationResult generate(GenerationRequest request, ProgressListener listener, CancellationToken cancel) {
        GenerationJob job = submit(request, listener, cancel);
        try {
            return job.get();
        } catch (InterruptedException e) {
            job.cancel(false);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the generation");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        }
    }

    /** Queues a request; the job's {@link GenerationJob#cancel} cancels it. */
    public GenerationJob submit(GenerationRequest request, ProgressListener listener) {
        return submit(request, listener, new CancellationToken());
    }

    /**
     * Validates {@code request} here (throwing {@link InvalidRequestException}) and queues it for the device thread.
     * Throws {@link IllegalStateException} once {@link #close} has begun.
     */
    public GenerationJob submit(GenerationRequest request, ProgressListener listener, CancellationToken cancel) {
        GenerationRequest req = check.check(request);
        GenerationJob job = new GenerationJob(req, cancel);
        long queued = System.nanoTime();
        synchronized (this) {
            if (closed) throw new IllegalStateException("the pipeline for " + engine.modelDir() + " is closed");
            pending.incrementAndGet();
            try {
                device.execute(() -> run(job, listener == null ? ProgressListener.NONE : listener, queued));
            } catch (RejectedExecutionException e) {
                pending.decrementAndGet();
                throw new IllegalStateException("the pipeline for " + engine.modelDir() + " is closed", e);
            }
        }
        return job;
    }

    /** Requests queued or running. */
    public int pending() {
        return pending.get();
    }

    private void run(GenerationJob job, ProgressListener listener, long queued) {
        // pending drops before the outcome is published, so a caller that sees its result also sees the count without it
        GenerationResult result = null;
        Throwable failure = null;
        try {
            if (job.token().isCancelled()) {
                failure = new CancellationException("cancelled while queued");
            } else {
                double queueSeconds = (System.nanoTime() - queued) / 1e9;
                listener.onStart(job.request());
                result = onPool(pool, () -> generateHere(job.request(), listener, job.token(), queueSeconds));
            }
        } catch (Throwable t) { // OutOfMemoryError included: the device thread lives on for the next request
            failure = t;
        } finally {
            pending.decrementAndGet();
        }
        if (failure != null) job.fail(failure);
        else job.complete(result);
    }

    private GenerationResult generateHere(GenerationRequest req, ProgressListener listener, CancellationToken cancel,
                                          double queueSeconds) {
        TextToImagePipeline.Result r = engine.generate(req, new TextToImagePipeline.Listener() {
            @Override
            public void onPhase(String phase, double seconds) {
                listener.onPhase(phase, seconds);
            }

            @Override
            public void onStep(int step, int steps, double seconds) {
                listener.onStep(step, steps, seconds);
            }

            @Override
            public void onPreview(int step, Tensor images) {
                List<BufferedImage> list = new ArrayList<>();
                for (RgbImage p : pictures(images)) list.add(p.toBufferedImage());
                listener.onPreview(step, req.steps(), list);
            }
        }, cancel);
        List<RgbImage> pictures = pictures(r.images());
        List<GenerationParameters> params = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) params.add(parameters(req, i));
        PhaseTimer t = r.timer();
        var timings = new GenerationResult.Timings(queueSeconds, t.get("encode"), t.get("sample"), t.get("decode"), r.steps());
        return new GenerationResult(req, pictures, params, r.seed(), timings, r.latents(), r.images());
    }

    /** The {@code parameters} text of picture {@code i} of a request (what the CLI's PNGs carry). */
    public GenerationParameters parameters(GenerationRequest req, int i) {
        return new GenerationParameters(req.prompts().get(i), req.negativePrompt(), req.steps(), req.sampler().cliName(),
                req.guidance(), req.initNoise() == null ? req.seed() : null, req.width(), req.height(), modelName());
    }

    /** The model folder's name, as PNG parameters and {@code GET /v1/models} name it. */
    public String modelName() {
        return engine.modelDir().toAbsolutePath().normalize().getFileName().toString();
    }

    public Path modelDir() {
        return engine.modelDir();
    }

    public DimbaConfig config() {
        return engine.config();
    }

    /** The size the transformer was trained at (pixels per side): a request's default. */
    public int defaultImageSize() {
        return engine.defaultImageSize();
    }

    /** Image sides must be multiples of this. */
    public int sizeMultiple() {
        return engine.sizeMultiple();
    }

    /** The backend's name: "cpu" or "opencl". */
    public String deviceName() {
        return backend.name();
    }

    /** Seconds each part took to load ("load tokenizer 0.01 s, ..."). */
    public PhaseTimer loadTimings() {
        return loadTimer;
    }

    private static List<RgbImage> pictures(Tensor images) {
        int[] s = images.shape();
        int per = s[1] * s[2] * s[3];
        float[] all = images.toFloatArray();
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < s[0]; i++) {
            float[] one = new float[per];
            System.arraycopy(all, i * per, one, 0, per);
            out.add(ImageTensors.toImage(Tensor.of(one, s[1], s[2], s[3])));
        }
        return out;
    }

    private static <T> T onPool(ForkJoinPool pool, Supplier<T> body) {
        return pool == null ? body.get() : CpuBackend.withPool(pool, body);
    }

    /** Refuses new requests, waits for the queued and running ones, then frees the model. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        device.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (device.awaitTermination(1, TimeUnit.MINUTES)) break;
                LOG.log(System.Logger.Level.INFO, "close: waiting for " + pending.get() + " request(s) to finish");
            } catch (InterruptedException e) {
                interrupted = true; // still wait: freeing the model under a running request would crash it
            }
        }
        try {
            engine.close();
        } finally {
            if (ownsBackend) backend.close();
            if (ownsPool) pool.shutdown();
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
