package io.sparkk8s.actors.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sparkk8s.submission.KubernetesDriverSpec;
import io.sparkk8s.submission.KubernetesResourceCreator;
import io.sparkk8s.submission.KubernetesResourceCreator.CreatedResources;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** {@link KubernetesOperations} with a fabric8 client, reusing {@link KubernetesResourceCreator}. */
public final class Fabric8KubernetesOperations implements KubernetesOperations {

    private final KubernetesClient client;
    private final KubernetesResourceCreator creator;

    /** @param client the process's client; not closed here */
    public Fabric8KubernetesOperations(KubernetesClient client) {
        this.client = client;
        this.creator = new KubernetesResourceCreator(client);
    }

    @Override
    public CreatedResources create(KubernetesDriverSpec spec) {
        return creator.create(spec);
    }

    @Override
    public void deleteLeftovers(String namespace, String appId) {
        String label = DriverLabelsStep.APP_ID_LABEL;
        client.pods().inNamespace(namespace).withLabel(label, appId).withGracePeriod(0).delete();
        client.services().inNamespace(namespace).withLabel(label, appId).delete();
        client.configMaps().inNamespace(namespace).withLabel(label, appId).delete();
        client.secrets().inNamespace(namespace).withLabel(label, appId).delete();
    }

    @Override
    public List<Pod> listDriverPods(String namespace, String appId) {
        var pods = "*".equals(namespace)
            ? client.pods().inAnyNamespace().withLabel(DriverLabelsStep.ROLE_LABEL, "driver")
            : client.pods().inNamespace(namespace).withLabel(DriverLabelsStep.ROLE_LABEL, "driver");
        return (appId == null ? pods : pods.withLabel(DriverLabelsStep.APP_ID_LABEL, appId)).list().getItems();
    }

    @Override
    public boolean deleteDriverPod(String namespace, String podName) {
        return !client.pods().inNamespace(namespace).withName(podName).delete().isEmpty();
    }

    @Override
    public CompletionStage<DriverPodWatch> watchDriverPods(String namespace, Duration resync,
        DriverPodListener listener) {
        SharedIndexInformer<Pod> informer = client.pods().inNamespace(namespace)
            .withLabel(DriverLabelsStep.ROLE_LABEL, "driver")
            .runnableInformer(resync.toMillis());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                listener.onPod(pod);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                listener.onPod(newPod);
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                listener.onPodDeleted(pod);
            }
        });
        // Keep retrying lost watches and failed lists, except when we may not list pods at all: then
        // the watch stops and the runtime reports the submissions of this namespace as UNKNOWN.
        informer.exceptionHandler((isStarted, t) -> !(t instanceof KubernetesClientException kce
            && (kce.getCode() == HttpURLConnection.HTTP_FORBIDDEN
                || kce.getCode() == HttpURLConnection.HTTP_UNAUTHORIZED)));
        informer.stopped().whenComplete((ignored, error) -> {
            if (error != null) {
                listener.onWatchStopped(error);
            }
        });
        return informer.start().thenApply(ignored -> informer::close);
    }
}
