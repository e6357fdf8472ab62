package io.sparkk8s.submission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sparkk8s.submission.steps.DriverLabelsStep;
import java.net.HttpURLConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@link KubernetesDriverSpec} to the API server: the driver pod first, then every other
 * resource with an {@code ownerReference} to the pod, so that deleting the pod lets Kubernetes
 * garbage-collect the rest. Every object carries the submission's {@code spark-app-selector} label.
 *
 * <p>On any failure everything this call created is deleted and a {@link ResourceCreationException}
 * reports the first cause. Names are deterministic per submission, so retrying the same spec is
 * idempotent: objects that already exist and carry the same {@code spark-app-selector} are taken as
 * created by an earlier attempt; an object of the same name that belongs to something else is a
 * failure.
 */
public final class KubernetesResourceCreator {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesResourceCreator.class);
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;

    /** @param client the client to create with */
    public KubernetesResourceCreator(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * What was created (or found from an earlier attempt of the same submission).
     *
     * @param driverPod the driver pod as the server returned it
     * @param otherResources the other resources as the server returned them, in creation order
     */
    public record CreatedResources(Pod driverPod, List<HasMetadata> otherResources) {

        /** Copies the list. */
        public CreatedResources {
            otherResources = List.copyOf(otherResources);
        }
    }

    /**
     * Creates the spec's resources.
     *
     * @throws ResourceCreationException when any creation fails, after rolling back
     */
    public CreatedResources create(KubernetesDriverSpec spec) {
        Pod pod = spec.podWithDriverContainer();
        String appId = labelOf(pod);
        String namespace = pod.getMetadata().getNamespace() == null ? client.getNamespace()
            : pod.getMetadata().getNamespace();
        Deque<HasMetadata> createdHere = new ArrayDeque<>();
        try {
            Pod driverPod = createOrAdopt(namespace, pod, appId, createdHere);
            OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion("v1").withKind("Pod")
                .withName(driverPod.getMetadata().getName()).withUid(driverPod.getMetadata().getUid())
                .withController(true)
                .build();
            List<HasMetadata> others = new ArrayList<>();
            for (HasMetadata resource : spec.otherKubernetesResources()) {
                HasMetadata owned = withOwnerAndLabel(resource, owner, appId, namespace);
                others.add(createOrAdopt(namespace, owned, appId, createdHere));
            }
            LOG.info("{}: created pod {}/{} and {} other resources", appId, namespace, pod.getMetadata().getName(),
                others.size());
            return new CreatedResources(driverPod, others);
        } catch (RuntimeException e) {
            throw rollBack(appId, namespace, createdHere, e);
        }
    }

    private <T extends HasMetadata> T createOrAdopt(String namespace, T resource, String appId,
        Deque<HasMetadata> createdHere) {
        try {
            T created = client.resource(resource).inNamespace(namespace).create();
            createdHere.push(created);
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw new ResourceCreationException("creating " + describe(resource, namespace) + " failed: "
                    + reason(e), e);
            }
            T existing = client.resource(resource).inNamespace(namespace).get();
            if (existing != null && appId.equals(labels(existing).get(DriverLabelsStep.APP_ID_LABEL))) {
                LOG.info("{}: {} already exists from an earlier attempt of this submission; keeping it", appId,
                    describe(resource, namespace));
                return existing;
            }
            throw new ResourceCreationException(describe(resource, namespace) + " already exists and does not"
                + " belong to this submission (" + DriverLabelsStep.APP_ID_LABEL + "=" + appId + "); choose"
                + " another name or delete it", e);
        }
    }

    private ResourceCreationException rollBack(String appId, String namespace, Deque<HasMetadata> createdHere,
        RuntimeException cause) {
        ResourceCreationException failure = cause instanceof ResourceCreationException rce ? rce
            : new ResourceCreationException("creating the resources of " + appId + " failed: " + cause, cause);
        int deleted = 0;
        while (!createdHere.isEmpty()) {
            HasMetadata resource = createdHere.pop();
            try {
                client.resource(resource).inNamespace(namespace).withGracePeriod(0).delete();
                deleted++;
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        LOG.warn("{}: creation failed, deleted the {} objects created so far: {}", appId, deleted,
            failure.getMessage());
        return failure;
    }

    private static HasMetadata withOwnerAndLabel(HasMetadata resource, OwnerReference owner, String appId,
        String namespace) {
        HasMetadata copy = SERIALIZATION.clone(resource);
        copy.getMetadata().setNamespace(namespace);
        List<OwnerReference> owners = new ArrayList<>(copy.getMetadata().getOwnerReferences() == null ? List.of()
            : copy.getMetadata().getOwnerReferences());
        owners.add(owner);
        copy.getMetadata().setOwnerReferences(owners);
        Map<String, String> labels = new LinkedHashMap<>(labels(copy));
        labels.putIfAbsent(DriverLabelsStep.APP_ID_LABEL, appId);
        copy.getMetadata().setLabels(labels);
        return copy;
    }

    private static String labelOf(Pod pod) {
        String appId = labels(pod).get(DriverLabelsStep.APP_ID_LABEL);
        if (appId == null) {
            throw new IllegalArgumentException("the driver pod has no " + DriverLabelsStep.APP_ID_LABEL
                + " label: the spec was not built by the orchestrator");
        }
        return appId;
    }

    private static Map<String, String> labels(HasMetadata resource) {
        Map<String, String> labels = resource.getMetadata() == null ? null : resource.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    private static String describe(HasMetadata resource, String namespace) {
        return resource.getKind() + " " + namespace + "/" + resource.getMetadata().getName();
    }

    /** The API server's message, else the client's with its root cause (fabric8's own is often generic). */
    public static String reason(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage() : e.getMessage() + " (" + root + ")";
    }
}
