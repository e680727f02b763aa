package org.dimba4j.serve;

import io.javalin.config.RoutesConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /}: one self-contained HTML page (no CDN, no build step) over the job API. */
final class WebPage {
    private final byte[] html;

    WebPage() {
        try (InputStream in = WebPage.class.getResourceAsStream("index.html")) {
            if (in == null) throw new IllegalStateException("index.html is missing from the serve jar");
            html = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void register(RoutesConfig r) {
        r.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(html));
    }
}
