package io.sparkk8s.init;

import io.sparkk8s.staging.tar.ExtractionLimits;
import io.sparkk8s.staging.tar.BlockingTarExtraction;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A bundle the submission client uploaded to the resource staging server: downloaded with the
 * original protocol ({@code GET /api/v0/resources/{id}}, the secret as the {@code Authorization}
 * header), verified against the SHA-256 the server declares, and extracted safely into a temporary
 * directory before its entries are moved into place. The secret is read from its mounted file and
 * never appears in a message.
 */
final class StagedBundleDownload implements Download {

    private final URI server;
    private final String resourceId;
    private final Path secretFile;
    private final String secretKey;
    private final Path targetDir;
    private final HttpDownloads http;

    /**
     * @param secretKey the property naming {@code secretFile}, for messages
     */
    StagedBundleDownload(URI server, String resourceId, Path secretFile, String secretKey, Path targetDir,
        HttpDownloads http) {
        this.server = server;
        this.resourceId = resourceId;
        this.secretFile = secretFile;
        this.secretKey = secretKey;
        this.targetDir = targetDir;
        this.http = http;
    }

    @Override
    public String source() {
        return resourceUri().toString();
    }

    private URI resourceUri() {
        String base = server.toString().replaceAll("/+$", "");
        return URI.create(base + "/api/v0/resources/" + URLEncoder.encode(resourceId, StandardCharsets.UTF_8));
    }

    @Override
    public void run(Instant deadline) throws IOException, InterruptedException {
        String secret = readSecret();
        Path extracted = AtomicPlacement.temporaryDirectory(targetDir);
        try {
            http.get(resourceUri(), Map.of("Authorization", secret), deadline,
                body -> BlockingTarExtraction.extract(body, extracted, ExtractionLimits.DEFAULT));
            AtomicPlacement.placeAll(extracted, targetDir);
        } finally {
            AtomicPlacement.deleteQuietly(extracted);
        }
    }

    private String readSecret() throws DownloadException {
        try {
            String secret = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new DownloadException("the secret file " + secretFile + " (" + secretKey
                    + ") is empty", false, null);
            }
            return secret;
        } catch (NoSuchFileException e) {
            throw new DownloadException("the secret file " + secretFile + " (" + secretKey
                + ") does not exist; is the staging Secret mounted?", false, e);
        } catch (IOException e) {
            throw new DownloadException("cannot read the secret file " + secretFile + " (" + secretKey
                + "): " + e, false, e);
        }
    }
}
