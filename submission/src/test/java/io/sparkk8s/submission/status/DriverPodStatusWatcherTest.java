package io.sparkk8s.submission.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The watcher against fabric8's mock API server over loopback HTTP, scripted so that the watch
 * expires (410 Gone) in the middle of the run.
 */
@EnableKubernetesMockClient
class DriverPodStatusWatcherTest {

    private static final String LIST = "/api/v1/namespaces/jobs/pods?fieldSelector=metadata.name%3Ddriver"
        + "&resourceVersion=0";

    private static final String RELIST = "/api/v1/namespaces/jobs/pods?fieldSelector=metadata.name%3Ddriver";

    KubernetesClient client;
    KubernetesMockServer server;

    private static Pod pod(String phase, String resourceVersion) {
        return new PodBuilder().withNewMetadata().withName("driver").withNamespace("jobs")
            .withResourceVersion(resourceVersion).endMetadata()
            .withNewStatus().withPhase(phase).endStatus().build();
    }

    private static String watch(String resourceVersion) {
        return "/api/v1/namespaces/jobs/pods?allowWatchBookmarks=true&fieldSelector=metadata.name%3Ddriver"
            + "&resourceVersion=" + resourceVersion + "&timeoutSeconds=600&watch=true";
    }

    @Test
    void followsPhaseChangesAcrossAnExpiredWatchUntilTheDriverSucceeds() throws Exception {
        server.expect().get().withPath(LIST).andReturn(200, new PodListBuilder().withNewMetadata()
            .withResourceVersion("2").endMetadata().addToItems(pod("Pending", "2")).build()).once();
        server.expect().get().withPath(watch("2")).andUpgradeToWebSocket().open()
            .waitFor(50).andEmit(new WatchEvent(pod("Running", "3"), "MODIFIED"))
            .waitFor(50).andEmit(new WatchEvent(new StatusBuilder().withCode(410).withReason("Expired")
                .withMessage("too old resource version: 3 (9)").build(), "ERROR"))
            .done().once();
        // the relist after 410 Gone (from the latest state: no resourceVersion) is the only place the final
        // phase appears
        server.expect().get().withPath(RELIST).andReturn(200, new PodListBuilder().withNewMetadata()
            .withResourceVersion("9").endMetadata().addToItems(pod("Succeeded", "9")).build()).once();
        server.expect().get().withPath(watch("9")).andUpgradeToWebSocket().open().done().always();
        List<String> reports = new CopyOnWriteArrayList<>();

        DriverPodStatusWatcher.Result result = CompletableFuture.supplyAsync(() -> {
            try {
                return new DriverPodStatusWatcher(client, "jobs", "driver", Duration.ofMinutes(5), reports::add)
                    .awaitCompletion();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(DriverPodStatusWatcher.Outcome.SUCCEEDED);
        assertThat(reports).containsExactly("Driver pod jobs/driver phase: Pending",
            "Driver pod jobs/driver phase: Running", "Driver pod jobs/driver phase: Succeeded");
    }

    @Test
    void reportsTheStateEveryIntervalWhileNothingChangesAndSeesAFailure() throws Exception {
        server.expect().get().withPath(LIST).andReturn(200, new PodListBuilder().withNewMetadata()
            .withResourceVersion("2").endMetadata().addToItems(pod("Running", "2")).build()).once();
        server.expect().get().withPath(watch("2")).andUpgradeToWebSocket().open()
            .waitFor(1500).andEmit(new WatchEvent(pod("Failed", "3"), "MODIFIED"))
            .done().once();
        List<String> reports = new CopyOnWriteArrayList<>();

        CompletableFuture<DriverPodStatusWatcher.Result> result = CompletableFuture.supplyAsync(() -> {
            try {
                return new DriverPodStatusWatcher(client, "jobs", "driver", Duration.ofMillis(200), reports::add)
                    .awaitCompletion();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(20)).until(result::isDone);
        assertThat(result.get().outcome()).isEqualTo(DriverPodStatusWatcher.Outcome.FAILED);
        assertThat(reports).filteredOn(r -> r.startsWith("Application status for driver (phase: Running)"))
            .hasSizeGreaterThanOrEqualTo(2);
        assertThat(reports.get(reports.size() - 1)).isEqualTo("Driver pod jobs/driver phase: Failed");
    }

    @Test
    void describeNamesTheFailedInitContainerAndItsMessage() {
        Pod pod = new PodBuilder().withNewMetadata().withNamespace("ns")
            .withName("app-driver").endMetadata()
            .withNewStatus().withPhase("Failed")
            .addNewInitContainerStatus().withName("spark-init").withNewState().withNewTerminated().withExitCode(1)
            .withReason("Error").withMessage("failed to localize https://h/a.jar: HTTP 404\n").endTerminated()
            .endState().endInitContainerStatus()
            .addNewContainerStatus().withName("spark-kubernetes-driver").withNewState().withNewWaiting()
            .withReason("PodInitializing").endWaiting().endState().endContainerStatus()
            .endStatus().build();

        assertThat(DriverPodStatusWatcher.describe(pod)).isEqualTo("Driver pod ns/app-driver phase: Failed"
            + " init-containers: [spark-init=terminated(exit 1, Error: failed to localize https://h/a.jar: HTTP 404)]"
            + " containers: [spark-kubernetes-driver=waiting(PodInitializing)]");
    }
}
