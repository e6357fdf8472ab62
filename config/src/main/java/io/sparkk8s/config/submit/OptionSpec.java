package io.sparkk8s.config.submit;

import java.util.List;

/**
 * One spark-submit option: its names, the placeholder of its value ({@code null} for a switch),
 * the configuration key it sets ({@code null} when handled by the parser itself) and its help.
 */
record OptionSpec(List<String> names, String valueName, String key, String group, String help) {

    private static final String BASIC = "Application";
    private static final String DEPENDENCIES = "Dependencies";
    private static final String DRIVER = "Driver";
    private static final String EXECUTORS = "Executors";
    private static final String SECURITY = "Security";
    private static final String ACTIONS = "Other actions";
    private static final String GENERAL = "General";

    static final List<OptionSpec> ALL = List.of(
        new OptionSpec(List.of("--master"), "MASTER_URL", "spark.master", BASIC,
            "Kubernetes API server: k8s://host:port (https), k8s://https://host:port or k8s://http://host:port."),
        new OptionSpec(List.of("--deploy-mode"), "DEPLOY_MODE", "spark.submit.deployMode", BASIC,
            "Only 'cluster' (the default): the driver runs in a pod."),
        new OptionSpec(List.of("--class"), "CLASS_NAME", null, BASIC,
            "Main class of a Java/Scala application."),
        new OptionSpec(List.of("--name"), "NAME", "spark.app.name", BASIC,
            "Application name; it starts the names of the Kubernetes objects created."),
        new OptionSpec(List.of("--conf", "-c"), "PROP=VALUE", null, BASIC,
            "A Spark configuration property; repeatable. Values with spaces need quotes."),
        new OptionSpec(List.of("--properties-file"), "FILE", null, BASIC,
            "Properties file to read; default $SPARK_CONF_DIR/spark-defaults.conf, else"
                + " $SPARK_HOME/conf/spark-defaults.conf. --conf and options win over it."),
        new OptionSpec(List.of("--jars"), "JARS", "spark.jars", DEPENDENCIES,
            "Comma-separated jars for the driver and executor class paths. local:// is in the image; file:// and"
                + " bare paths are uploaded to the resource staging server; http(s)://, hdfs://, s3a:// are"
                + " downloaded in the pod."),
        new OptionSpec(List.of("--packages"), "PACKAGES", "spark.jars.packages", DEPENDENCIES,
            "Comma-separated Maven coordinates groupId:artifactId:version, resolved in the driver pod."),
        new OptionSpec(List.of("--exclude-packages"), "EXCLUDES", "spark.jars.excludes", DEPENDENCIES,
            "Comma-separated groupId:artifactId to leave out when resolving --packages."),
        new OptionSpec(List.of("--repositories"), "REPOSITORIES", "spark.jars.repositories", DEPENDENCIES,
            "Comma-separated extra Maven repositories for --packages."),
        new OptionSpec(List.of("--py-files"), "PY_FILES", "spark.submit.pyFiles", DEPENDENCIES,
            "Comma-separated .zip, .egg or .py files for the PYTHONPATH of a Python application."),
        new OptionSpec(List.of("--files"), "FILES", "spark.files", DEPENDENCIES,
            "Comma-separated files put in the working directory of the driver and executors."),
        new OptionSpec(List.of("--archives"), "ARCHIVES", "spark.archives", DEPENDENCIES,
            "Comma-separated archives unpacked in the working directory of the driver and executors."),
        new OptionSpec(List.of("--driver-memory"), "MEM", "spark.driver.memory", DRIVER,
            "Driver heap, e.g. 512m or 2g (default 1g)."),
        new OptionSpec(List.of("--driver-cores"), "NUM", "spark.driver.cores", DRIVER,
            "Driver cores (default 1)."),
        new OptionSpec(List.of("--driver-java-options"), "OPTIONS", "spark.driver.extraJavaOptions", DRIVER,
            "Extra JVM options of the driver."),
        new OptionSpec(List.of("--driver-library-path"), "PATH", "spark.driver.extraLibraryPath", DRIVER,
            "Native library path of the driver."),
        new OptionSpec(List.of("--driver-class-path"), "PATH", "spark.driver.extraClassPath", DRIVER,
            "Class path entries of the driver, as paths in the driver container."),
        new OptionSpec(List.of("--supervise"), null, "spark.driver.supervise", DRIVER,
            "Accepted for compatibility; has no effect on Kubernetes."),
        new OptionSpec(List.of("--executor-memory"), "MEM", "spark.executor.memory", EXECUTORS,
            "Heap of each executor, e.g. 4g (default 1g)."),
        new OptionSpec(List.of("--executor-cores"), "NUM", "spark.executor.cores", EXECUTORS,
            "Cores of each executor (default 1)."),
        new OptionSpec(List.of("--num-executors"), "NUM", "spark.executor.instances", EXECUTORS,
            "Number of executors (default 2)."),
        new OptionSpec(List.of("--total-executor-cores"), "NUM", "spark.cores.max", EXECUTORS,
            "Most cores for all executors together."),
        new OptionSpec(List.of("--queue"), "QUEUE", "spark.yarn.queue", EXECUTORS,
            "Accepted for compatibility (a YARN queue); has no effect on Kubernetes."),
        new OptionSpec(List.of("--proxy-user"), "NAME", null, SECURITY,
            "User to impersonate when submitting; not together with --principal."),
        new OptionSpec(List.of("--principal"), "PRINCIPAL", "spark.kerberos.principal", SECURITY,
            "Kerberos principal for secure HDFS."),
        new OptionSpec(List.of("--keytab"), "KEYTAB", "spark.kerberos.keytab", SECURITY,
            "Keytab of --principal."),
        new OptionSpec(List.of("--kill"), "SUBMISSION_ID", null, ACTIONS,
            "Kill the driver [namespace:]pod-name; '*' in the pod name is a glob. Needs --master."),
        new OptionSpec(List.of("--status"), "SUBMISSION_ID", null, ACTIONS,
            "Show the status of the driver [namespace:]pod-name; '*' in the pod name is a glob. Needs --master."),
        new OptionSpec(List.of("--dry-run"), null, null, GENERAL,
            "Print the Kubernetes resources as YAML instead of creating them (spark-k8s-submit only)."),
        new OptionSpec(List.of("--verbose", "-v"), null, null, GENERAL,
            "Print more about what is being done."),
        new OptionSpec(List.of("--help", "-h"), null, null, GENERAL,
            "Print this help and exit."),
        new OptionSpec(List.of("--version"), null, null, GENERAL,
            "Print the version and exit."));

    private static final int HELP_COLUMN = 34;
    private static final int WIDTH = 110;

    static String usage() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: spark-k8s submit [options] <app jar | python file | R file> [app arguments]\n");
        out.append("Usage: spark-k8s submit --kill [namespace:]pod-name --master k8s://...\n");
        out.append("Usage: spark-k8s submit --status [namespace:]pod-name --master k8s://...\n");
        out.append("\nspark-submit compatible, Kubernetes cluster mode only. Everything after the primary resource is"
            + " passed\nto the application unchanged. Options accept both '--opt value' and '--opt=value'.\n");
        String group = null;
        for (OptionSpec o : ALL) {
            if (!o.group().equals(group)) {
                group = o.group();
                out.append('\n').append(group).append(":\n");
            }
            String left = "  " + String.join(", ", o.names()) + (o.valueName() == null ? "" : " " + o.valueName());
            String help = o.help() + (o.key() == null ? "" : " [" + o.key() + "]");
            out.append(wrap(left, help));
        }
        out.append("\nEvery other setting is a --conf key; see docs/configuration.md for the list.\n");
        out.append("\nExit codes:\n  0  success\n  1  the application failed\n  2  bad usage (an option or"
            + " configuration value is invalid)\n  3  cluster or API error\n");
        return out.toString();
    }

    private static String wrap(String left, String help) {
        StringBuilder out = new StringBuilder(left);
        int column;
        if (left.length() >= HELP_COLUMN) {
            out.append('\n');
            column = 0;
        } else {
            column = left.length();
        }
        StringBuilder line = new StringBuilder(" ".repeat(HELP_COLUMN - column));
        int lineLength = HELP_COLUMN;
        for (String word : help.split(" ")) {
            if (lineLength + word.length() + 1 > WIDTH && lineLength > HELP_COLUMN) {
                out.append(line).append('\n');
                line = new StringBuilder(" ".repeat(HELP_COLUMN));
                lineLength = HELP_COLUMN;
            }
            if (lineLength > HELP_COLUMN) {
                line.append(' ');
                lineLength++;
            }
            line.append(word);
            lineLength += word.length();
        }
        return out.append(line).append('\n').toString();
    }
}
