package io.sparkk8s.init;

import io.sparkk8s.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/spark-k8s init}: the init-container. Reads its properties file (mounted from a
 * ConfigMap) and the staging secrets from the files it names (mounted from a Secret), downloads the
 * staged bundles and the remote dependencies into the jars and files directories, and exits 0 when
 * everything is in place. Otherwise it logs one line per failed dependency naming it and the cause,
 * writes the same lines to the container's termination message file when Kubernetes provides one,
 * and exits 1.
 */
@Command(name = "spark-k8s init", mixinStandardHelpOptions = true,
    description = "Localize staged bundles and remote dependencies into the pod before Spark starts.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:dependencies localized", "1:a dependency could not be localized (one log line each)",
        "2:bad properties file"})
public final class InitContainerMain implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    private static final Logger LOG = LoggerFactory.getLogger(InitContainerMain.class);
    private static final int MAX_TERMINATION_MESSAGE = 4096;

    @Option(names = "--properties-file", defaultValue = InitContainerProperties.DEFAULT_PATH,
        description = "Init-container properties (default: ${DEFAULT-VALUE}).")
    private Path propertiesFile;

    @Option(names = "--termination-message-path", defaultValue = "/dev/termination-log",
        description = "Where Kubernetes reads the container's termination message; written only if it exists"
            + " (default: ${DEFAULT-VALUE}).")
    private Path terminationMessagePath;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the init-container and exits with its code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InitContainerMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        long started = System.nanoTime();
        InitContainerProperties properties;
        List<LocalizationFailure> failures;
        try {
            properties = InitContainerProperties.load(propertiesFile);
            Files.createDirectories(properties.jarsDownloadDir());
            Files.createDirectories(properties.filesDownloadDir());
            failures = new DependencyLocalizer(properties, RetryPolicy.DEFAULT,
                Optional.ofNullable(System.getenv("HADOOP_CONF_DIR")).map(Path::of)).localize();
        } catch (InvalidConfigurationException e) {
            spec.commandLine().getErr().println("spark-k8s init: " + e.getMessage());
            writeTerminationMessage(e.getMessage());
            return EXIT_USAGE;
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (failures.isEmpty()) {
            LOG.info("localized {} remote dependencies and {} staged bundles in {} ms",
                properties.remoteJars().size() + properties.remoteFiles().size(),
                properties.jarsResourceId().stream().count() + properties.filesResourceId().stream().count(), millis);
            return 0;
        }
        failures.forEach(f -> LOG.error(f.logLine()));
        writeTerminationMessage(failures.stream().map(LocalizationFailure::logLine).collect(Collectors.joining("\n")));
        return EXIT_FAILED;
    }

    private void writeTerminationMessage(String message) {
        if (!Files.isRegularFile(terminationMessagePath)) {
            return;
        }
        String text = message.length() > MAX_TERMINATION_MESSAGE ? message.substring(0, MAX_TERMINATION_MESSAGE)
            : message;
        try {
            Files.writeString(terminationMessagePath, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot write the termination message to {}: {}", terminationMessagePath, e.toString());
        }
    }
}
