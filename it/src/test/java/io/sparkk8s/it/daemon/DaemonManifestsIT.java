package io.sparkk8s.it.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.sparkk8s.it.KubernetesApiServerExtension;
import io.sparkk8s.it.KubernetesTestContext;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every manifest in {@code deploy/daemon/} is accepted by the real API server (server-side dry run). */
@ExtendWith(KubernetesApiServerExtension.class)
class DaemonManifestsIT {

    static final Path DIR = Path.of(System.getProperty("user.dir")).resolve("../deploy/daemon").normalize();

    /** The objects of every manifest in deploy/daemon (not the kustomization), moved into {@code namespace}. */
    static List<HasMetadata> load(KubernetesTestContext ctx, String namespace) throws Exception {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
                .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (HasMetadata item : ctx.client().load(in).items()) {
                        item.getMetadata().setNamespace(namespace);
                        if (item instanceof RoleBinding binding) {
                            item = new RoleBindingBuilder(binding).editFirstSubject().withNamespace(namespace)
                                .endSubject().build();
                        }
                        all.add(item);
                    }
                }
            }
        }
        return all;
    }

    @Test
    void everyManifestPassesServerSideDryRunAndNothingIsCreated(KubernetesTestContext ctx) throws Exception {
        List<HasMetadata> items = load(ctx, ctx.namespace());

        assertThat(items).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Deployment", "ServiceAccount",
            "Role", "RoleBinding", "Service", "Secret");
        for (HasMetadata item : items) {
            HasMetadata answered = ctx.client().resource(item).inNamespace(ctx.namespace()).dryRun().create();
            assertThat(answered).as("%s %s", item.getKind(), item.getMetadata().getName()).isNotNull();
            assertThat(answered.getMetadata().getCreationTimestamp()).isNotNull();
        }
        for (HasMetadata item : items) {
            assertThat(ctx.client().resource(item).inNamespace(ctx.namespace()).get())
                .as("%s %s after a dry run", item.getKind(), item.getMetadata().getName()).isNull();
        }
    }
}
