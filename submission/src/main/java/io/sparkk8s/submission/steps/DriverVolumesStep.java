package io.sparkk8s.submission.steps;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverConfigurationStep;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * User volumes: {@code spark.kubernetes.driver.volumes.<type>.<name>.mount.{path, readOnly, subPath}}
 * and {@code ...options.*} for the types hostPath ({@code path}, {@code type}), emptyDir ({@code
 * medium}, {@code sizeLimit}), nfs ({@code server}, {@code path}) and persistentVolumeClaim ({@code
 * claimName}; {@code claimName=OnDemand} creates a claim owned by the driver pod from {@code
 * storageClass} and {@code sizeLimit}).
 */
public final class DriverVolumesStep implements DriverConfigurationStep {

    /** Prefix of the volume keys. */
    public static final String PREFIX = "spark.kubernetes.driver.volumes.";
    private static final String ON_DEMAND = "OnDemand";

    private final DriverResourceNames names;

    /** @param names the names of claims created on demand */
    public DriverVolumesStep(DriverResourceNames names) {
        this.names = names;
    }

    /** The volume names declared in {@code conf}, keyed by name, valued by type. */
    static Map<String, String> declaredVolumes(SparkConf conf) {
        Map<String, String> volumes = new TreeMap<>();
        conf.withPrefix(PREFIX).keySet().forEach(rest -> {
            String[] parts = rest.split("\\.", 3);
            if (parts.length == 3) {
                volumes.put(parts[1], parts[0]);
            }
        });
        return volumes;
    }

    @Override
    public KubernetesDriverSpec configureDriver(KubernetesDriverSpec spec) {
        SparkConf conf = spec.driverSparkConf();
        Map<String, Map<String, String>> byVolume = new LinkedHashMap<>();
        conf.withPrefix(PREFIX).forEach((rest, value) -> {
            String[] parts = rest.split("\\.", 3);
            if (parts.length < 3) {
                throw new SubmissionConfigurationException(PREFIX + rest, "expected " + PREFIX
                    + "<type>.<name>.mount.path (or .mount.readOnly, .mount.subPath, .options.<option>)");
            }
            byVolume.computeIfAbsent(parts[0] + "." + parts[1], k -> new TreeMap<>()).put(parts[2], value);
        });
        PodBuilder pod = new PodBuilder().withNewSpec().endSpec();
        ContainerBuilder container = new ContainerBuilder();
        KubernetesDriverSpec result = spec;
        int claimIndex = 0;
        for (Map.Entry<String, Map<String, String>> entry : byVolume.entrySet()) {
            String type = entry.getKey().substring(0, entry.getKey().indexOf('.'));
            String name = entry.getKey().substring(type.length() + 1);
            Map<String, String> settings = entry.getValue();
            String keyBase = PREFIX + type + "." + name + ".";
            String mountPath = settings.get("mount.path");
            if (mountPath == null || !mountPath.startsWith("/")) {
                throw new SubmissionConfigurationException(keyBase + "mount.path", "'" + mountPath + "' is not an"
                    + " absolute path; every volume needs the directory to mount it at");
            }
            VolumeBuilder volume = new VolumeBuilder().withName(name);
            switch (type) {
                case "hostPath" -> volume.withNewHostPath().withPath(required(settings, keyBase, "options.path"))
                    .withType(settings.get("options.type")).endHostPath();
                case "emptyDir" -> volume.withNewEmptyDir().withMedium(settings.get("options.medium"))
                    .withSizeLimit(settings.containsKey("options.sizeLimit")
                        ? new Quantity(settings.get("options.sizeLimit")) : null).endEmptyDir();
                case "nfs" -> volume.withNewNfs().withServer(required(settings, keyBase, "options.server"))
                    .withPath(required(settings, keyBase, "options.path"))
                    .withReadOnly(readOnly(conf, keyBase)).endNfs();
                case "persistentVolumeClaim" -> {
                    String claim = required(settings, keyBase, "options.claimName");
                    if (claim.equals(ON_DEMAND)) {
                        claim = names.resourceName("driver-pvc-" + claimIndex++);
                        result = result.withOtherResource(onDemandClaim(claim, settings, keyBase));
                    }
                    volume.withNewPersistentVolumeClaim().withClaimName(claim)
                        .withReadOnly(readOnly(conf, keyBase)).endPersistentVolumeClaim();
                }
                default -> throw new SubmissionConfigurationException(keyBase + "mount.path", "volume type '" + type
                    + "' is not supported; use hostPath, emptyDir, nfs or persistentVolumeClaim");
            }
            Volume built = volume.build();
            pod.editSpec().addToVolumes(built).endSpec();
            container.addToVolumeMounts(new VolumeMountBuilder().withName(name).withMountPath(mountPath)
                .withReadOnly(readOnly(conf, keyBase) ? Boolean.TRUE : null)
                .withSubPath(settings.get("mount.subPath")).withSubPathExpr(settings.get("mount.subPathExpr"))
                .build());
        }
        return byVolume.isEmpty() ? spec : result.addToDriverPod(pod.build()).addToDriverContainer(container.build());
    }

    private PersistentVolumeClaim onDemandClaim(String claim, Map<String, String> settings, String keyBase) {
        return new PersistentVolumeClaimBuilder()
            .withNewMetadata().withName(claim).withNamespace(names.namespace()).endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(settings.get("options.storageClass"))
            .withNewResources().addToRequests("storage", new Quantity(required(settings, keyBase,
                "options.sizeLimit"))).endResources()
            .endSpec()
            .build();
    }

    private static boolean readOnly(SparkConf conf, String keyBase) {
        return ConfValues.bool(conf, keyBase + "mount.readOnly", false);
    }

    private static String required(Map<String, String> settings, String keyBase, String option) {
        String value = settings.get(option);
        if (value == null || value.isBlank()) {
            throw new SubmissionConfigurationException(keyBase + option, "is required for this volume type");
        }
        return value;
    }
}
