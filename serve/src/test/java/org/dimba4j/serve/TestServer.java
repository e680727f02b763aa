package org.dimba4j.serve;

import org.dimba4j.infer.cli.Main;
import org.dimba4j.io.image.Png;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real server on a loopback port over the bundled tiny model, plus the CLI's own output for comparison: tests
 * drive it over HTTP exactly as clients do.
 */
final class TestServer implements AutoCloseable {
    static final Path MODEL = Path.of("../models/tiny-reference");
    private static PipelineImageGenerator generator;
    private static final Map<String, List<byte[]>> CLI_PNGS = new ConcurrentHashMap<>();

    final ImageServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String base;
    private final String apiKey;

    private TestServer(ImageServer server, String apiKey) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
        this.apiKey = apiKey;
    }

    /** The model is loaded once per test JVM; each test class gets its own server (queue, limits, key) on it. */
    static synchronized ImageGenerator model() {
        if (generator == null) generator = PipelineImageGenerator.load(MODEL, "cpu");
        return generator;
    }

    static Limits limits() {
        return new Limits(512, 50, 4, 300, 1L << 30);
    }

    static TestServer start() {
        return start(new ServeOptions("127.0.0.1", 0, null, null, 64, limits(), 200));
    }

    static TestServer start(ServeOptions options) {
        return new TestServer(ImageServer.start(model(), options), options.apiKey());
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) {
        return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String json) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
        return b;
    }

    <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(req, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The PNG files {@code dimba generate} writes for these settings (run in-process through the real CLI), cached:
     * the reference every served image is compared with.
     */
    static List<byte[]> cliPngs(String prompt, String negative, long seed, int steps, double guidance, String sampler,
                                int size, int n) {
        String key = String.join("\u0000", prompt, negative, Long.toString(seed), Integer.toString(steps),
                Double.toString(guidance), sampler, Integer.toString(size), Integer.toString(n));
        return CLI_PNGS.computeIfAbsent(key, k -> {
            try {
                Path dir = Files.createTempDirectory("dimba-cli-ref");
                Path out = dir.resolve("ref.png");
                StringWriter err = new StringWriter();
                var cl = Main.commandLine();
                cl.setErr(new PrintWriter(err, true));
                int code = cl.execute("generate", "--model", MODEL.toString(), "--prompt", prompt, "--negative-prompt", negative,
                        "--seed", Long.toString(seed), "--steps", Integer.toString(steps), "--guidance", Double.toString(guidance),
                        "--sampler", sampler, "--width", Integer.toString(size), "--height", Integer.toString(size),
                        "--batch", Integer.toString(n), "--device", "cpu", "-o", out.toString());
                if (code != 0) throw new IllegalStateException("dimba generate failed: " + err);
                List<byte[]> pngs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    pngs.add(Files.readAllBytes(n == 1 ? out : dir.resolve("ref-" + i + ".png")));
                }
                return pngs;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The RGB pixels of a PNG (what "the same image" means; the bytes are compared too where they must match). */
    static byte[] pixels(byte[] png) {
        try {
            Path f = Files.createTempFile("dimba-px", ".png");
            Files.write(f, png);
            byte[] rgb = Png.read(f).image().rgb();
            Files.delete(f);
            return rgb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The A1111 parameters text of a PNG. */
    static String parameters(byte[] png) {
        try {
            Path f = Files.createTempFile("dimba-px", ".png");
            Files.write(f, png);
            String p = Png.read(f).text().get(Png.PARAMETERS);
            Files.delete(f);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
