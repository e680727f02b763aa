package org.dimba4j.serve;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code dimba serve}: one loaded model, one job queue, three faces on it (the native job API, OpenAI Images, an
 * AUTOMATIC1111 subset) and a web page, on Javalin (Jetty 12). Request threads only parse, check, queue and wait;
 * the queue's single worker runs the model.
 */
public final class ImageServer implements AutoCloseable {
    /** Request bodies above this are refused with 413 before they are read into memory. */
    static final long MAX_BODY_BYTES = 1 << 20;
    private static final System.Logger LOG = System.getLogger("org.dimba4j.serve");

    private final JobQueue queue;
    private final Javalin app;

    private ImageServer(JobQueue queue, Javalin app) {
        this.queue = queue;
        this.app = app;
    }

    /** Starts serving {@code generator} (which stays the caller's to close, after this server). */
    public static ImageServer start(ImageGenerator generator, ServeOptions options) {
        quietLibraries();
        JobQueue queue = new JobQueue(generator, options.queueCapacity());
        ServerContext server = new ServerContext(queue, options.limits(), options.heartbeatMillis());
        try {
            Javalin app = Javalin.create(config -> configure(config, server, options));
            app.start(options.host(), options.port());
            return new ImageServer(queue, app);
        } catch (RuntimeException e) {
            queue.close();
            throw e;
        }
    }

    private static void configure(JavalinConfig config, ServerContext server, ServeOptions options) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = MAX_BODY_BYTES;
        config.concurrency.useVirtualThreads = true; // blocking waits for jobs cost a virtual thread, not a platform one
        if (options.corsOrigin() != null) {
            config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                if (options.corsOrigin().equals("*")) rule.anyHost();
                else rule.allowHost(options.corsOrigin());
            }));
        }
        var r = config.routes;
        if (options.apiKey() != null) {
            byte[] key = options.apiKey().getBytes(StandardCharsets.UTF_8);
            r.before(ctx -> requireKey(ctx, key));
        }
        new JobApi(server).register(r);
        new OpenAiApi(server).register(r);
        new A1111Api(server).register(r);
        new WebPage().register(r);
        r.exception(BadRequestException.class, (e, ctx) -> ApiError.badRequest(ctx, e));
        r.exception(QueueFullException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            ApiError.send(ctx, 429, "rate_limit_error", null, e.getMessage());
        });
        r.exception(ClientGoneException.class, (e, ctx) -> LOG.log(System.Logger.Level.DEBUG, e.getMessage()));
        r.exception(HttpResponseException.class, (e, ctx) -> ApiError.send(ctx, e.getStatus(),
                e.getStatus() < 500 ? "invalid_request_error" : "server_error", null, message(e)));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.log(System.Logger.Level.WARNING, "request " + ctx.method() + " " + ctx.path() + " failed", e);
            ApiError.send(ctx, 500, "server_error", null, e.getMessage() == null ? e.toString() : e.getMessage());
        });
    }

    /** Jetty's and Javalin's start/stop lines at INFO would bury dimba's own; their warnings still show. */
    private static void quietLibraries() {
        for (String name : new String[] {"org.eclipse.jetty", "io.javalin"}) {
            java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
            if (l.getLevel() == null) l.setLevel(java.util.logging.Level.WARNING);
            QUIETED.add(l); // JUL holds loggers weakly: keep them, or the level is lost
        }
    }

    private static final java.util.List<java.util.logging.Logger> QUIETED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static String message(HttpResponseException e) {
        if (e.getStatus() == 413) return "the request body exceeds " + (MAX_BODY_BYTES >> 10) + " KiB";
        if (e.getStatus() == 404) return e.getMessage() + " (see GET /api/capabilities for the endpoints)";
        return e.getMessage();
    }

    /** Every route but the page itself and CORS preflights needs the key when one is set. */
    private static void requireKey(Context ctx, byte[] key) {
        if (ctx.method() == HandlerType.OPTIONS || ctx.path().equals("/")) return;
        String auth = ctx.header("Authorization");
        byte[] given = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).strip().getBytes(StandardCharsets.UTF_8) : null;
        if (given == null || !MessageDigest.isEqual(given, key)) { // constant time: the key is not guessed bytewise
            ctx.header("WWW-Authenticate", "Bearer");
            throw new BadRequestException(401, null, auth == null ? "this server needs an API key: Authorization: Bearer KEY"
                    : "the API key is wrong");
        }
    }

    public int port() {
        return app.port();
    }

    public JobQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            queue.close();
        }
    }
}
