package io.sparkk8s.config.catalogue;

/** The groups the catalogue is documented in, in the order of {@code docs/configuration.md}. */
public enum Section {
    /** Keys that spark-submit's own options set, and the application basics. */
    APPLICATION("Application properties",
        "Set by spark-submit options (shown in brackets) or with `--conf`; passed on to Spark in the driver."),
    /** Where and how the driver runs. */
    KUBERNETES("Kubernetes",
        "Where the application runs and what its pods look like."),
    /** Credentials for the API server. */
    AUTHENTICATION("Authentication",
        "How the submission client and the driver authenticate to the Kubernetes API server."),
    /** Labels, annotations, secrets, volumes, environment: key families with a name in the key. */
    POD_METADATA("Pod metadata, secrets, volumes and environment",
        "Families of keys whose last part is a name chosen by the user (shown in brackets)."),
    /** The resource staging server and its TLS. */
    STAGING("Resource staging server",
        "Where local dependencies are uploaded so that the init-container can download them."),
    /** The init-container that localizes dependencies. */
    INIT_CONTAINER("Init-container",
        "The init-container that downloads staged and remote dependencies into the driver and executor pods."),
    /** Written by the submission client into the init-container's properties file; users do not set them. */
    INTERNAL("Internal",
        "Written by the submission client into the init-container's properties file. Listed so that old"
            + " init-container images and configurations keep working; users do not set them.");

    private final String title;
    private final String introduction;

    Section(String title, String introduction) {
        this.title = title;
        this.introduction = introduction;
    }

    /** The heading in the documentation. */
    public String title() {
        return title;
    }

    /** The sentence under the heading. */
    public String introduction() {
        return introduction;
    }
}
