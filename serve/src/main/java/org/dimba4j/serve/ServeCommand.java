package org.dimba4j.serve;

import org.dimba4j.infer.ModelHome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** {@code dimba serve}: loads a model once and answers HTTP until stopped (Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model over HTTP: OpenAI Images (/v1), an AUTOMATIC1111 subset (/sdapi/v1),",
                "a job API (/api) and a web page (/)."})
public final class ServeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", description = "model folder (default: $DIMBA_HOME/" + ModelHome.DEFAULT_MODEL + ")")
    Path model;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "interface to listen on (default: ${DEFAULT-VALUE}, this machine only)")
    String host;

    @Option(names = "--port", defaultValue = "7860", description = "port (default: ${DEFAULT-VALUE}; 0: any free port)")
    int port;

    @Option(names = "--api-key", defaultValue = "${env:DIMBA_API_KEY}",
            description = "require Authorization: Bearer KEY on every API call (default: $DIMBA_API_KEY; none: open)")
    String apiKey;

    @Option(names = "--cors-origin", description = "allow browser calls from this origin (e.g. http://localhost:3000, or *)")
    String corsOrigin;

    @Option(names = "--queue", defaultValue = "16", description = "jobs that may wait before requests get 429 (default: ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--max-size", defaultValue = "2048", description = "largest width or height in pixels (default: ${DEFAULT-VALUE})")
    int maxSize;

    @Option(names = "--max-steps", defaultValue = "200", description = "most sampler steps (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(names = "--max-images", defaultValue = "4", description = "most images per request (default: ${DEFAULT-VALUE})")
    int maxImages;

    @Option(names = "--max-prompt-chars", defaultValue = "4000", description = "longest prompt in characters (default: ${DEFAULT-VALUE})")
    int maxPromptChars;

    @Option(names = "--max-memory", description = "working memory a job may need, e.g. 6g or 512m (default: 80% of the heap left after loading)")
    String maxMemory;

    @Option(names = "--device", defaultValue = "auto", description = "cpu, opencl or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        // options first, so a typo costs nothing: the model loads only after they all check out (usage errors: exit 2)
        Long memory = maxMemory == null ? null : parseBytes(maxMemory);
        ServeOptions probe;
        try {
            probe = new ServeOptions(host, port, apiKey, corsOrigin, queue,
                    new Limits(maxSize, maxSteps, maxImages, maxPromptChars, memory == null ? 1 : memory), 1000);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path dir = model != null ? model : ModelHome.defaultModel();
        try (PipelineImageGenerator generator = PipelineImageGenerator.load(dir, device, probe.limits().pipelineLimits())) {
            long budget = memory != null ? memory : heapLeft();
            ServeOptions options = new ServeOptions(probe.host(), probe.port(), probe.apiKey(), probe.corsOrigin(),
                    probe.queueCapacity(), new Limits(maxSize, maxSteps, maxImages, maxPromptChars, budget), 1000);
            CountDownLatch stopped = new CountDownLatch(1);
            ImageServer server = ImageServer.start(generator, options);
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "dimba-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
            err.println("[dimba4j] serving " + generator.modelName() + " on " + base + "/ (OpenAI base URL " + base
                    + "/v1; queue " + queue + "; " + (options.apiKey() == null ? "no API key" : "API key required") + ")");
            if (options.apiKey() == null && !isLoopback(host)) {
                err.println("[dimba4j] warning: listening on " + host + " without an API key: anyone who reaches this"
                        + " port can use the model (set --api-key or DIMBA_API_KEY)");
            }
            err.flush();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** 80% of the heap not yet used once the weights are in: the rest is headroom for the JVM and requests. */
    private static long heapLeft() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        return Math.max(1, (long) ((rt.maxMemory() - used) * 0.8));
    }

    private long parseBytes(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("g")) unit = 1L << 30;
        else if (t.endsWith("m")) unit = 1L << 20;
        else if (t.endsWith("k")) unit = 1L << 10;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits);
            if (v > 0) return v * unit;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--max-memory '" + s + "' must be a positive size such as 6g, 512m or 1048576");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
