package io.sparkk8s.submission.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.sparkk8s.config.SparkConf;
import io.sparkk8s.submission.DriverResourceNames;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.SubmissionConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverVolumesStepTest {

    private static final String P = "spark.kubernetes.driver.volumes.";

    private static KubernetesDriverSpec run(Map<String, String> conf) {
        SparkConf sparkConf = SparkConf.of(conf);
        return new DriverVolumesStep(DriverResourceNames.of("spark-1", "pi", sparkConf))
            .configureDriver(KubernetesDriverSpec.initial(sparkConf));
    }

    @Test
    void buildsEveryVolumeTypeWithItsOptions() {
        KubernetesDriverSpec spec = run(Map.ofEntries(
            Map.entry(P + "hostPath.logs.mount.path", "/logs"),
            Map.entry(P + "hostPath.logs.options.path", "/var/log/spark"),
            Map.entry(P + "hostPath.logs.options.type", "DirectoryOrCreate"),
            Map.entry(P + "emptyDir.scratch.mount.path", "/scratch"),
            Map.entry(P + "emptyDir.scratch.options.medium", "Memory"),
            Map.entry(P + "emptyDir.scratch.options.sizeLimit", "1Gi"),
            Map.entry(P + "nfs.share.mount.path", "/share"),
            Map.entry(P + "nfs.share.mount.readOnly", "true"),
            Map.entry(P + "nfs.share.options.server", "nfs.example.com"),
            Map.entry(P + "nfs.share.options.path", "/exports"),
            Map.entry(P + "persistentVolumeClaim.data.mount.path", "/data"),
            Map.entry(P + "persistentVolumeClaim.data.mount.subPath", "run1"),
            Map.entry(P + "persistentVolumeClaim.data.options.claimName", "shared-data")));

        Map<String, Volume> volumes = new java.util.HashMap<>();
        spec.driverPod().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        assertThat(volumes.get("logs").getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        assertThat(volumes.get("scratch").getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("1Gi"));
        assertThat(volumes.get("share").getNfs().getServer()).isEqualTo("nfs.example.com");
        assertThat(volumes.get("data").getPersistentVolumeClaim().getClaimName()).isEqualTo("shared-data");
        assertThat(spec.driverContainer().getVolumeMounts()).extracting(m -> m.getName() + "@" + m.getMountPath()
            + (Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : "")
            + (m.getSubPath() == null ? "" : "/" + m.getSubPath()))
            .containsExactlyInAnyOrder("logs@/logs", "scratch@/scratch", "share@/share:ro", "data@/data/run1");
        assertThat(spec.otherKubernetesResources()).isEmpty();
    }

    @Test
    void onDemandClaimsAreCreatedWithTheSubmission() {
        KubernetesDriverSpec spec = run(Map.of(
            P + "persistentVolumeClaim.data.mount.path", "/data",
            P + "persistentVolumeClaim.data.options.claimName", "OnDemand",
            P + "persistentVolumeClaim.data.options.storageClass", "fast",
            P + "persistentVolumeClaim.data.options.sizeLimit", "10Gi"));

        PersistentVolumeClaim claim = (PersistentVolumeClaim) spec.otherKubernetesResources().get(0);
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("10Gi"));
        assertThat(spec.driverPod().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
            .isEqualTo(claim.getMetadata().getName());
    }

    @Test
    void unknownTypesAndMissingOptionsNameTheKey() {
        assertThatThrownBy(() -> run(Map.of(P + "gitRepo.src.mount.path", "/src")))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith(P + "gitRepo.src.mount.path: ")
            .hasMessageContaining("hostPath, emptyDir, nfs or persistentVolumeClaim");
        assertThatThrownBy(() -> run(Map.of(P + "nfs.share.mount.path", "/share")))
            .isInstanceOf(SubmissionConfigurationException.class)
            .hasMessageStartingWith(P + "nfs.share.options.server: ");
    }
}
