package dev.runstream.bridge.http.internal.auth;

import dev.runstream.bridge.http.internal.ApiException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Where a request carries its token: the {@code Authorization: Bearer} header, or the session cookie. */
public final class PresentedCredentials {

    /** The session cookie's name. */
    public static final String COOKIE = "runstream_token";
    /** At most this many session cookies of a request are looked at. */
    static final int MAX_COOKIES = 4;

    private PresentedCredentials() {
    }

    /** The bearer token of the {@code Authorization} header; 401 when the header is there but is not Bearer. */
    public static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null) {
            return Optional.empty();
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw AccessGuard.unauthorized(ctx, "the Authorization header is not 'Bearer <token>'", true);
        }
        return Optional.of(header.substring(7).strip());
    }

    /** The values of every session cookie the request carries (a browser sends one per matching path). */
    public static List<String> sessionCookies(Context ctx) {
        List<String> values = new ArrayList<>();
        for (String header : Collections.list(ctx.req().getHeaders("Cookie"))) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                if (trimmed.startsWith(COOKIE + "=")) {
                    values.add(trimmed.substring(COOKIE.length() + 1));
                }
            }
        }
        if (values.size() > MAX_COOKIES) {
            throw new ApiException(400, "bad_request", "more than " + MAX_COOKIES + " " + COOKIE + " cookies");
        }
        return values;
    }
}
