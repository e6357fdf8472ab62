package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;

/**
 * The headless Service executors reach the driver through, selecting the driver pod by {@code
 * spark-app-selector} and {@code spark-role=driver}, with the driver, block manager and UI ports; and
 * {@code spark.driver.host} set to the Service's DNS name. Users may not set {@code spark.driver.host}
 * or {@code spark.driver.bindAddress} themselves: the pod's address is only known in the cluster.
 */
public final class DriverServiceStep implements DriverConfigurationStep {

    private static final String DRIVER_HOST = "spark.driver.host";
    private static final String BIND_ADDRESS = "spark.driver.bindAddress";

    private final DriverResourceNames names;

    /** @param names the Service's name and namespace, and the app id it selects */
    public DriverServiceStep(DriverResourceNames names) {
        this.names = names;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        for (String key : new String[] {DRIVER_HOST, BIND_ADDRESS}) {
            conf.get(key).ifPresent(value -> {
                throw new SubmissionConfigurationException(key, "'" + value + "' cannot be used on Kubernetes: the"
                    + " submission client sets it to the driver Service / pod address; remove it");
            });
        }
        int driverPort = ConfValues.port(conf, BaseDriverPodStep.DRIVER_PORT, BaseDriverPodStep.DEFAULT_DRIVER_PORT);
        int blockManagerPort = ConfValues.port(conf, BaseDriverPodStep.BLOCK_MANAGER_PORT,
            BaseDriverPodStep.DEFAULT_BLOCK_MANAGER_PORT);
        int uiPort = ConfValues.port(conf, BaseDriverPodStep.UI_PORT, BaseDriverPodStep.DEFAULT_UI_PORT);
        String serviceName = names.driverServiceName();
        return spec
            .withOtherResource(new ServiceBuilder()
                .withNewMetadata().withName(serviceName).withNamespace(names.namespace()).endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withSelector(Map.of(DriverLabelsStep.APP_ID_LABEL, names.appId(), DriverLabelsStep.ROLE_LABEL,
                    "driver"))
                .addNewPort().withName("driver-rpc-port").withPort(driverPort).withNewTargetPort(driverPort)
                    .withProtocol("TCP").endPort()
                .addNewPort().withName("blockmanager").withPort(blockManagerPort)
                    .withNewTargetPort(blockManagerPort).withProtocol("TCP").endPort()
                .addNewPort().withName("spark-ui").withPort(uiPort).withNewTargetPort(uiPort).withProtocol("TCP")
                    .endPort()
                .endSpec()
                .build())
            .addToDriverSparkConf(Map.of(DRIVER_HOST, serviceName + "." + names.namespace() + ".svc"));
    }
}
