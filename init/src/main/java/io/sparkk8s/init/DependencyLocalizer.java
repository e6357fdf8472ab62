package io.sparkk8s.init;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Puts every dependency an {@link InitContainerProperties} asks for into the jars and files
 * directories: the staged bundles from the resource staging server and the remote URIs
 * ({@code http}, {@code https}, and Hadoop FileSystem schemes when Hadoop is on the classpath).
 * Downloads run in parallel, at most {@code maxSimultaneousDownloads} at once; each is retried on
 * transient failures ({@link RetryPolicy}); all of them together get {@code mountTimeout}.
 */
public final class DependencyLocalizer {

    private final InitContainerProperties properties;
    private final RetryPolicy retryPolicy;
    private final Optional<Path> hadoopConfDir;

    /**
     * @param hadoopConfDir where Hadoop site files are ({@code $HADOOP_CONF_DIR}), if anywhere
     */
    public DependencyLocalizer(InitContainerProperties properties, RetryPolicy retryPolicy,
        Optional<Path> hadoopConfDir) {
        this.properties = properties;
        this.retryPolicy = retryPolicy;
        this.hadoopConfDir = hadoopConfDir;
    }

    /**
     * Downloads everything; returns the failures (empty when everything is in place), one per
     * dependency, in the order the properties list them.
     */
    public List<LocalizationFailure> localize() throws InterruptedException {
        Instant deadline = Instant.now().plus(properties.mountTimeout());
        List<LocalizationFailure> failures = new ArrayList<>();
        List<Download> downloads = plan(failures);
        if (downloads.isEmpty()) {
            return failures;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(downloads.size(),
            properties.maxSimultaneousDownloads()), r -> {
                Thread t = new Thread(r, "spark-init-download-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        try {
            Map<Download, Future<?>> running = new LinkedHashMap<>();
            for (Download download : downloads) {
                running.put(download, pool.submit(() -> {
                    retryPolicy.run(() -> download.run(deadline), deadline);
                    return null;
                }));
            }
            for (Map.Entry<Download, Future<?>> entry : running.entrySet()) {
                failure(entry.getKey(), entry.getValue(), deadline).ifPresent(failures::add);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }

    private Optional<LocalizationFailure> failure(Download download, Future<?> future, Instant deadline)
        throws InterruptedException {
        try {
            long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            future.get(left, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            future.cancel(true);
            return Optional.of(new LocalizationFailure(download.source(), "did not finish within the mount timeout ("
                + InitContainerProperties.MOUNT_TIMEOUT + "=" + properties.mountTimeout().toSeconds() + "s)"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause instanceof IOException && cause.getMessage() != null ? cause.getMessage()
                : cause.toString();
            return Optional.of(new LocalizationFailure(download.source(), message));
        }
    }

    /** The downloads to run; URIs that cannot be downloaded at all go straight to {@code failures}. */
    private List<Download> plan(List<LocalizationFailure> failures) {
        List<Download> downloads = new ArrayList<>();
        Map<Path, String> claimed = new HashMap<>();
        HttpDownloads remoteHttp = null;
        if (!properties.remoteJars().isEmpty() || !properties.remoteFiles().isEmpty()) {
            remoteHttp = new HttpDownloads(Optional.empty());
        }
        if (properties.jarsResourceId().isPresent() || properties.filesResourceId().isPresent()) {
            Optional<SSLContext> tls = "https".equals(properties.stagingServerUri().orElseThrow().getScheme())
                ? properties.stagingServerTrust().sslContext() : Optional.empty();
            HttpDownloads staging = new HttpDownloads(tls);
            URI server = properties.stagingServerUri().orElseThrow();
            properties.jarsResourceId().ifPresent(id -> downloads.add(new StagedBundleDownload(server, id,
                properties.jarsSecretLocation().orElseThrow(), InitContainerProperties.JARS_SECRET,
                properties.jarsDownloadDir(), staging)));
            properties.filesResourceId().ifPresent(id -> downloads.add(new StagedBundleDownload(server, id,
                properties.filesSecretLocation().orElseThrow(), InitContainerProperties.FILES_SECRET,
                properties.filesDownloadDir(), staging)));
        }
        for (String uri : properties.remoteJars()) {
            remote(uri, properties.jarsDownloadDir(), remoteHttp, claimed, downloads, failures);
        }
        for (String uri : properties.remoteFiles()) {
            remote(uri, properties.filesDownloadDir(), remoteHttp, claimed, downloads, failures);
        }
        return downloads;
    }

    private void remote(String text, Path dir, HttpDownloads http, Map<Path, String> claimed,
        List<Download> downloads, List<LocalizationFailure> failures) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            failures.add(new LocalizationFailure(text, "not a valid URI (" + e.getReason() + ")"));
            return;
        }
        String path = uri.getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        if (uri.getScheme() == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
            failures.add(new LocalizationFailure(text, "needs a scheme and a path ending in a file name, e.g."
                + " https://host/path/app.jar"));
            return;
        }
        Path target = dir.resolve(name);
        String previous = claimed.putIfAbsent(target, text);
        if (previous != null) {
            failures.add(new LocalizationFailure(text, "has the same file name as " + previous + " and would land"
                + " at the same path " + target + "; rename one of them"));
            return;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") || scheme.equals("https")) {
            downloads.add(new RemoteFileDownload(uri, target, http));
        } else if (scheme.equals("local") || scheme.equals("file")) {
            failures.add(new LocalizationFailure(text, "'" + scheme + "' URIs are not downloaded by the"
                + " init-container; local:// files must be in the image, the submitter's files are staged"));
        } else if (HadoopSupport.available()) {
            downloads.add(HadoopDownload.of(uri, target, hadoopConfDir));
        } else {
            failures.add(new LocalizationFailure(text, "the scheme '" + scheme + "' needs a Hadoop FileSystem, and"
                + " Hadoop's client is not on the init-container's classpath; supported without it: http, https"));
        }
    }
}
