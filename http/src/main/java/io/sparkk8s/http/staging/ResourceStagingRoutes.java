package io.sparkk8s.http.staging;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The resource staging server's HTTP API under {@code /api/v0}, the original design's paths so its
 * clients keep working. Today: {@code GET /api/v0/ping -> pong}.
 */
public final class ResourceStagingRoutes {

    /** The reply of the liveness endpoint, as the original server answered. */
    public static final String PONG = "pong";

    private ResourceStagingRoutes() {
    }

    /** All routes of the staging server. */
    public static Route routes() {
        return pathPrefix(segment("api").slash("v0"), () -> concat(
            path("ping", () -> get(() -> complete(StatusCodes.OK,
                HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, PONG))))));
    }
}
