package io.sparkk8s.config.submit;

import io.sparkk8s.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Spark properties files ({@code spark-defaults.conf}, {@code --properties-file}), read as Spark
 * reads them: UTF-8, {@link Properties} syntax ({@code key value}, {@code key=value} or
 * {@code key:value}, {@code #} and {@code !} comments, backslash continuations and escapes), and
 * every value trimmed of leading and trailing whitespace except line breaks given as {@code \n} or
 * {@code \r}.
 */
public final class SparkDefaultsFile {

    /** Name of the default file in the configuration directory. */
    public static final String FILE_NAME = "spark-defaults.conf";

    private SparkDefaultsFile() {
    }

    /**
     * The default properties file as Spark finds it: {@code $SPARK_CONF_DIR/spark-defaults.conf} when
     * {@code SPARK_CONF_DIR} is set, else {@code $SPARK_HOME/conf/spark-defaults.conf}; only if it is
     * a regular file. (When {@code SPARK_CONF_DIR} is set, {@code SPARK_HOME} is not looked at.)
     *
     * @param env the environment variables
     */
    public static Optional<Path> defaultFile(Map<String, String> env) {
        String confDir = env.get("SPARK_CONF_DIR");
        Path dir;
        if (confDir != null) {
            dir = Path.of(confDir);
        } else if (env.get("SPARK_HOME") != null) {
            dir = Path.of(env.get("SPARK_HOME"), "conf");
        } else {
            return Optional.empty();
        }
        Path file = dir.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(file.toAbsolutePath()) : Optional.empty();
    }

    /**
     * Reads a properties file.
     *
     * @param file the file
     * @param option the option that named it, for messages ({@code --properties-file})
     * @throws InvalidConfigurationException naming {@code option} when the file is missing, not a
     *     regular file, unreadable or malformed
     */
    public static Map<String, String> load(Path file, String option) {
        if (!Files.exists(file)) {
            throw new InvalidConfigurationException(option, "'" + file + "' does not exist; expected a properties"
                + " file such as conf/" + FILE_NAME);
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigurationException(option, "'" + file + "' is not a regular file; expected a"
                + " properties file such as conf/" + FILE_NAME);
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new InvalidConfigurationException(option, "'" + file + "' cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(option, "'" + file + "' is not a valid properties file: "
                + e.getMessage());
        }
        TreeMap<String, String> result = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            result.put(key, trimExceptLineBreaks(properties.getProperty(key)));
        }
        return Collections.unmodifiableMap(result);
    }

    /** Strips leading and trailing characters up to U+0020 except {@code \n} and {@code \r}. */
    static String trimExceptLineBreaks(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isTrimmed(value.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmed(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }

    private static boolean isTrimmed(char c) {
        return c <= ' ' && c != '\n' && c != '\r';
    }
}
