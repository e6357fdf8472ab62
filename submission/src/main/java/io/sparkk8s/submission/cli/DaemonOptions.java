package io.sparkk8s.submission.cli;

import io.sparkk8s.config.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The CLI's own options that send {@code submit}, {@code kill} and {@code status} through a submission
 * daemon instead of to the cluster: {@code --daemon URL}, {@code --daemon-token-file FILE} and
 * {@code --daemon-ca-file FILE}. They are taken out of the command line before spark-submit's parser
 * sees it, and only from the options part (before the primary resource), so an application argument
 * that happens to be {@code --daemon} stays an application argument.
 *
 * @param url the daemon's base URL ({@code http(s)://host:port})
 * @param tokenFile the file holding the bearer token
 * @param caFile PEM CA certificates to trust for an {@code https://} daemon, if not the JDK's
 */
record DaemonOptions(URI url, Optional<Path> tokenFile, Optional<Path> caFile) {

    static final String DAEMON = "--daemon";
    static final String TOKEN_FILE = "--daemon-token-file";
    static final String CA_FILE = "--daemon-ca-file";

    /** Lines appended to {@code submit --help}. */
    static final String USAGE = """

        Through a submission daemon (bin/spark-k8s daemon) instead of the cluster:
          --daemon URL                 Submit, kill and report status through the daemon at URL
                                       (http(s)://host:port); --master is then optional and unused.
                                       Local files (primary resource, --jars, --files, --py-files,
                                       --archives) are uploaded to the daemon.
          --daemon-token-file FILE     File holding the bearer token the daemon knows (required with --daemon).
          --daemon-ca-file FILE        PEM CA certificates to trust for an https:// daemon.
        """;

    /** spark-submit's options that take no value: everything else starting with "-" consumes the next argument. */
    private static final Set<String> SWITCHES = Set.of("--verbose", "-v", "--dry-run", "--help", "-h", "--version",
        "--supervise");
    private static final Set<String> OURS = Set.of(DAEMON, TOKEN_FILE, CA_FILE);

    /**
     * The command line without the daemon options, and the options if {@code --daemon} was given.
     *
     * @param args what spark-submit's parser will see
     * @param options the daemon options, empty without {@code --daemon}
     */
    record Split(List<String> args, Optional<DaemonOptions> options) {
    }

    /**
     * Takes the daemon options out of {@code args}.
     *
     * @throws InvalidConfigurationException naming the option when a value is missing or invalid, or a
     *     token or CA file is given without {@code --daemon}
     */
    static Split split(List<String> args) {
        List<String> rest = new ArrayList<>();
        String url = null;
        String tokenFile = null;
        String caFile = null;
        int i = 0;
        while (i < args.size()) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (OURS.contains(name)) {
                String value;
                if (eq > 0 && name.length() == eq) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new InvalidConfigurationException(name, "missing value; expected " + name + " "
                        + (name.equals(DAEMON) ? "URL" : "FILE"));
                }
                if (value.isEmpty()) {
                    throw new InvalidConfigurationException(name, "empty value; expected " + name + " "
                        + (name.equals(DAEMON) ? "URL" : "FILE"));
                }
                switch (name) {
                    case DAEMON -> url = value;
                    case TOKEN_FILE -> tokenFile = value;
                    default -> caFile = value;
                }
                i++;
                continue;
            }
            if (!arg.startsWith("-")) {
                // the primary resource: it and everything after it belong to the application
                rest.addAll(args.subList(i, args.size()));
                break;
            }
            rest.add(arg);
            if (!SWITCHES.contains(name) && eq < 0 && i + 1 < args.size()) {
                rest.add(args.get(++i));
            }
            i++;
        }
        if (url == null) {
            if (tokenFile != null || caFile != null) {
                throw new InvalidConfigurationException(tokenFile != null ? TOKEN_FILE : CA_FILE,
                    "given without --daemon URL; it only applies when submitting through a daemon");
            }
            return new Split(List.copyOf(rest), Optional.empty());
        }
        return new Split(List.copyOf(rest), Optional.of(new DaemonOptions(parseUrl(url),
            Optional.ofNullable(tokenFile).map(Path::of), Optional.ofNullable(caFile).map(Path::of))));
    }

    private static URI parseUrl(String value) {
        String expected = "; expected http(s)://host[:port], e.g. --daemon https://spark-k8s-daemon.spark-system:10001";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(DAEMON, "'" + value + "' is not a URL (" + e.getReason() + ")"
                + expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new InvalidConfigurationException(DAEMON, "'" + value + "' is not an http(s) URL with a host"
                + expected);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidConfigurationException(DAEMON, "'" + value + "' has a query or fragment" + expected);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.resolve(path.endsWith("/") ? path : path + "/");
    }
}
