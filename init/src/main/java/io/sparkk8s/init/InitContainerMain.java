package io.sparkk8s.init;

import io.sparkk8s.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/spark-k8s init}: the init-container. Reads its properties file and prepares the
 * download directories; downloading staged bundles and remote URIs lands with the init-container
 * issue, and until then a properties file that asks for downloads is refused.
 */
@Command(name = "spark-k8s init", mixinStandardHelpOptions = true,
    description = "Localize staged bundles and remote dependencies into the pod before Spark starts.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:dependencies localized", "2:bad properties file or unsupported request"})
public final class InitContainerMain implements Callable<Integer> {

    static final int EXIT_USAGE = 2;

    @Option(names = "--properties-file", defaultValue = InitContainerProperties.DEFAULT_PATH,
        description = "Init-container properties (default: ${DEFAULT-VALUE}).")
    private Path propertiesFile;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the init-container and exits with its code. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new InitContainerMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        InitContainerProperties properties;
        try {
            properties = InitContainerProperties.load(propertiesFile);
        } catch (InvalidConfigurationException e) {
            spec.commandLine().getErr().println("spark-k8s init: " + e.getMessage());
            return EXIT_USAGE;
        }
        Files.createDirectories(properties.jarsDownloadDir());
        Files.createDirectories(properties.filesDownloadDir());
        if (properties.hasWork()) {
            spec.commandLine().getErr().println("spark-k8s init: downloading dependencies is not available in this"
                + " build yet (see the open init-container issue)");
            return EXIT_USAGE;
        }
        return 0;
    }
}
