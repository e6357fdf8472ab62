package io.sparkk8s.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration value or command-line option a user got wrong. The message names the option or
 * key, the value given, and what would be valid; it is meant to be shown as is, without a stack
 * trace.
 *
 * <p>Validation reports every problem it finds at once: {@link #combine} turns several problems
 * into one exception whose message has one {@code <option>: <message>} line per problem and whose
 * {@link #problems()} lists them.
 */
public class InvalidConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String option;
    private final List<InvalidConfigurationException> problems;

    /**
     * @param option the option or configuration key at fault, e.g. {@code --master}
     * @param message what is wrong and what would be valid
     */
    public InvalidConfigurationException(String option, String message) {
        super(option + ": " + message);
        this.option = option;
        this.problems = null;
    }

    private InvalidConfigurationException(List<InvalidConfigurationException> problems) {
        super(problems.stream().map(Throwable::getMessage).collect(Collectors.joining("\n")));
        this.option = problems.get(0).option();
        this.problems = List.copyOf(problems);
    }

    /**
     * One exception for several problems: the problem itself when there is one, else an exception
     * naming the first problem's option whose message lists every problem, one per line.
     *
     * @throws IllegalArgumentException when {@code problems} is empty
     */
    public static InvalidConfigurationException combine(List<InvalidConfigurationException> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems to combine");
        }
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return new InvalidConfigurationException(problems.stream().flatMap(p -> p.problems().stream()).toList());
    }

    /** The option or configuration key at fault (the first one when there are several problems). */
    public String option() {
        return option;
    }

    /** Every problem this exception reports; a single problem reports itself. */
    public List<InvalidConfigurationException> problems() {
        return problems == null ? List.of(this) : problems;
    }
}
