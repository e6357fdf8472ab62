package io.sparkk8s.config.submit;

import io.sparkk8s.config.BuildInfo;
import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.KubernetesMasterUrl;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.config.SubmissionRequest;
import java.util.List;
import java.util.Objects;

/** What a spark-submit command line asks for: {@link SparkSubmitArguments#parse} returns one of these. */
public sealed interface SparkSubmitCommand {

    /** What was accepted but deserves the user's attention; not printed by this module. */
    List<ConfigWarning> warnings();

    /**
     * Submit an application.
     *
     * @param request the validated submission
     * @param dryRun {@code --dry-run}: render the resources as YAML instead of creating them
     * @param warnings deprecated or unknown keys and ignored options, in the order found
     */
    record Submit(SubmissionRequest request, boolean dryRun, List<ConfigWarning> warnings)
        implements SparkSubmitCommand {
        /** Checks presence and copies the warnings. */
        public Submit {
            Objects.requireNonNull(request, "request");
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * {@code --kill <submission id>}: delete the driver pod(s).
     *
     * @param target {@code [namespace:]driver-pod-name}, {@code *} allowed as a glob in the pod name
     * @param master the API server
     * @param conf the validated configuration (credentials, namespace, grace period)
     * @param warnings as for {@link Submit}
     */
    record Kill(String target, KubernetesMasterUrl master, SparkConf conf, List<ConfigWarning> warnings)
        implements SparkSubmitCommand {
        /** Checks presence and copies the warnings. */
        public Kill {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(master, "master");
            Objects.requireNonNull(conf, "conf");
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * {@code --status <submission id>}: report the driver pod(s) status.
     *
     * @param target {@code [namespace:]driver-pod-name}, {@code *} allowed as a glob in the pod name
     * @param master the API server
     * @param conf the validated configuration (credentials, namespace)
     * @param warnings as for {@link Submit}
     */
    record Status(String target, KubernetesMasterUrl master, SparkConf conf, List<ConfigWarning> warnings)
        implements SparkSubmitCommand {
        /** Checks presence and copies the warnings. */
        public Status {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(master, "master");
            Objects.requireNonNull(conf, "conf");
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * {@code --help}: print the usage and exit 0.
     *
     * @param usage {@link SparkSubmitArguments#usageText()}
     */
    record Help(String usage) implements SparkSubmitCommand {
        @Override
        public List<ConfigWarning> warnings() {
            return List.of();
        }
    }

    /**
     * {@code --version}: print the version and exit 0.
     *
     * @param buildInfo what to print ({@link BuildInfo#describe()})
     */
    record Version(BuildInfo buildInfo) implements SparkSubmitCommand {
        @Override
        public List<ConfigWarning> warnings() {
            return List.of();
        }
    }
}
