package io.sparkk8s.submission;

/**
 * One concern of the driver's configuration (labels, the main container, the service, mounted
 * secrets, ...). A step is a pure function from spec to spec with two rules: it does not depend on
 * which other steps run, and it only adds — everything in its input is in its output unchanged.
 */
@FunctionalInterface
public interface DriverConfigurationStep {

    /** Returns {@code spec} with this step's part added. */
    KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec);
}
