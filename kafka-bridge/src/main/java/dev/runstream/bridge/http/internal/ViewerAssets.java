package dev.runstream.bridge.http.internal;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The run viewer's files, read from the jar once: {@code /} and {@code /runs/{runId}} get the page, {@code /ui/*}
 * its script and style. They are open (no credential): the page asks for the token itself and sends it in a header
 * to the API. The Content-Security-Policy lets the page reach this origin only.
 */
public final class ViewerAssets {

    private static final String BASE = "/dev/runstream/bridge/http/viewer/";
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Asset page;
    private final Map<String, Asset> files;

    public ViewerAssets() {
        this.page = load("index.html", "text/html; charset=utf-8");
        this.files = Map.of("viewer.js", load("viewer.js", "text/javascript; charset=utf-8"),
                "viewer.css", load("viewer.css", "text/css; charset=utf-8"));
    }

    /** {@code GET /} and {@code GET /runs/{runId}}: the page; it routes on its own path. */
    public void page(Context ctx) {
        send(ctx, page);
    }

    /** {@code GET /ui/{file}}. */
    public void file(Context ctx) {
        Asset asset = files.get(ctx.pathParam("file"));
        if (asset == null) {
            throw new ApiException(404, "not_found", "the viewer has no file '" + ctx.pathParam("file") + "'");
        }
        send(ctx, asset);
    }

    private static void send(Context ctx, Asset asset) {
        ctx.status(200).contentType(asset.contentType());
        ctx.header("Content-Security-Policy", POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.result(asset.bytes());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = ViewerAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("the viewer file " + BASE + name + " is missing from the jar");
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
