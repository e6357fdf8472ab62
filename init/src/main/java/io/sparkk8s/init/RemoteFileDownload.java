package io.sparkk8s.init;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A remote {@code http://} or {@code https://} dependency, downloaded into a directory under its file name. */
final class RemoteFileDownload implements Download {

    private final URI uri;
    private final Path target;
    private final HttpDownloads http;

    RemoteFileDownload(URI uri, Path target, HttpDownloads http) {
        this.uri = uri;
        this.target = target;
        this.http = http;
    }

    @Override
    public String source() {
        return uri.toString();
    }

    @Override
    public void run(Instant deadline) throws IOException, InterruptedException {
        Path part = AtomicPlacement.temporary(target.getParent(), target.getFileName().toString());
        try {
            http.get(uri, Map.of(), deadline, body -> {
                try (OutputStream out = Files.newOutputStream(part)) {
                    body.transferTo(out);
                }
            });
            AtomicPlacement.place(part, target);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
