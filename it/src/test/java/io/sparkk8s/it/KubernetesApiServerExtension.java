package io.sparkk8s.it;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every test class a real Kubernetes control plane — {@code etcd} and {@code kube-apiserver}
 * started by fabric8 kube-api-test in offline mode, plus a {@code kube-controller-manager} so that
 * garbage collection and namespace deletion happen as on a cluster — and every test method a fresh
 * namespace. Test methods (and {@code @BeforeEach}/{@code @AfterEach} methods) declare a {@link
 * KubernetesTestContext} parameter to get it.
 *
 * <p>A test method that also declares an {@link ApiServerProcess} parameter gets a second
 * {@code kube-apiserver} on the same etcd, which it may stop and start again (an API server restart
 * while the rest of the control plane runs); it is stopped after the method.
 *
 * <p>The binaries come from {@code it/scripts/build-kube-binaries.sh}, which the Maven build runs
 * before the integration tests; their version and directory are passed as the system properties
 * {@value #VERSION_PROPERTY} and {@value #DIR_PROPERTY}.
 */
public final class KubernetesApiServerExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** System property: Kubernetes version of the binaries, e.g. {@code 1.34.4}. */
    public static final String VERSION_PROPERTY = "sparkk8s.it.k8s.version";
    /** System property: the kube-api-test directory holding {@code k8s/<version>-linux-amd64/}. */
    public static final String DIR_PROPERTY = "sparkk8s.it.kube-api-test.dir";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesApiServerExtension.class);
    private static final int START_ATTEMPTS = 3;
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(
        KubernetesApiServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        ApiServerFlags flags = testClass.getAnnotation(ApiServerFlags.class);
        context.getStore(STORE).getOrComputeIfAbsent(ControlPlane.class, k -> ControlPlane.start(
            testClass.getSimpleName(), flags == null ? new String[0] : flags.value()), ControlPlane.class);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        ControlPlane plane = controlPlane(context);
        String namespace = "it-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        plane.client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
            .addToLabels("sparkk8s.io/test", sanitize(context.getRequiredTestMethod().getName()))
            .endMetadata().build()).create();
        context.getStore(STORE).put(KubernetesTestContext.class,
            new KubernetesTestContext(plane.client, namespace, plane.kubeconfig, plane.masterUrl));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        KubernetesTestContext ctx = context.getStore(STORE).remove(KubernetesTestContext.class,
            KubernetesTestContext.class);
        if (ctx != null) {
            // The namespace controller of our kube-controller-manager finishes the deletion.
            ctx.client().namespaces().withName(ctx.namespace()).delete();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == KubernetesTestContext.class || type == ApiServerProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        if (parameterContext.getParameter().getType() == ApiServerProcess.class) {
            ControlPlane plane = controlPlane(extensionContext);
            // Kept in the method's store: closed (stopped) when the method is done.
            return extensionContext.getStore(STORE).getOrComputeIfAbsent(ApiServerProcess.class,
                k -> plane.startExtraApiServer(), ApiServerProcess.class);
        }
        KubernetesTestContext ctx = extensionContext.getStore(STORE).get(KubernetesTestContext.class,
            KubernetesTestContext.class);
        if (ctx == null) {
            throw new ParameterResolutionException("KubernetesTestContext is available in test methods and"
                + " @BeforeEach/@AfterEach methods only");
        }
        return ctx;
    }

    private static ControlPlane controlPlane(ExtensionContext context) {
        return context.getStore(STORE).get(ControlPlane.class, ControlPlane.class);
    }

    private static String sanitize(String value) {
        String cleaned = value.replaceAll("[^A-Za-z0-9_.-]", "-");
        cleaned = cleaned.length() > 63 ? cleaned.substring(0, 63) : cleaned;
        return cleaned.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    /** The processes of one test class and the client for them; stopped when the class's store closes. */
    static final class ControlPlane implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final KubeAPIServer apiServer;
        private final ControllerManagerProcess controllerManager;
        private final KubernetesClient client;
        private final Path kubeconfig;
        private final String masterUrl;

        private ControlPlane(KubeAPIServer apiServer, ControllerManagerProcess controllerManager,
            KubernetesClient client, Path kubeconfig, String masterUrl) {
            this.apiServer = apiServer;
            this.controllerManager = controllerManager;
            this.client = client;
            this.kubeconfig = kubeconfig;
            this.masterUrl = masterUrl;
        }

        /**
         * kube-api-test picks free ports for etcd and the API server before starting them; on a busy machine
         * another process can take one in between and the start fails. Such a failure is retried (a fresh
         * start picks fresh ports); a failure that repeats is a real one.
         */
        private static KubeAPIServer startWithRetries(KubeAPIServerConfigBuilder builder, String testClass) {
            RuntimeException failure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                KubeAPIServer apiServer = new KubeAPIServer(builder.build());
                try {
                    apiServer.start();
                    return apiServer;
                } catch (RuntimeException e) {
                    LOG.warn("control plane for {}: start attempt {} of {} failed: {}", testClass, attempt,
                        START_ATTEMPTS, e.toString());
                    try {
                        apiServer.stop();
                    } catch (RuntimeException stopFailure) {
                        e.addSuppressed(stopFailure);
                    }
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            throw failure;
        }

        static ControlPlane start(String testClass, String[] extraFlags) {
            String version = requiredProperty(VERSION_PROPERTY);
            String dir = requiredProperty(DIR_PROPERTY);
            Path binDir = Path.of(dir, "k8s", version + "-linux-amd64");
            if (!Files.isExecutable(binDir.resolve("kube-apiserver"))) {
                throw new IllegalStateException("no kube-apiserver in " + binDir + ": run it/scripts/"
                    + "build-kube-binaries.sh (mvn verify does it before the integration tests)");
            }
            KubeAPIServerConfigBuilder builder = KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir)
                .withApiServerVersion(version)
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(180_000);
            for (String flag : extraFlags) {
                // One argument each: "--name value" would break boolean flags (--watch-cache false).
                if (!flag.startsWith("--") || flag.indexOf('=') < 0) {
                    throw new IllegalArgumentException("@ApiServerFlags: '" + flag + "' is not --name=value");
                }
                builder.withApiServerFlag(flag);
            }
            long started = System.nanoTime();
            KubeAPIServer apiServer = startWithRetries(builder, testClass);
            ControllerManagerProcess controllerManager = null;
            try {
                String kubeconfigYaml = apiServer.getKubeConfigYaml();
                Path kubeconfig = Files.createTempFile("sparkk8s-it-" + testClass + "-", ".kubeconfig");
                Files.writeString(kubeconfig, kubeconfigYaml);
                kubeconfig.toFile().deleteOnExit();
                Config config = Config.fromKubeconfig(kubeconfigYaml);
                KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
                controllerManager = ControllerManagerProcess.start(binDir.resolve("kube-controller-manager"),
                    kubeconfig);
                LOG.info("control plane for {} ready at {} in {} ms", testClass, config.getMasterUrl(),
                    (System.nanoTime() - started) / 1_000_000);
                return new ControlPlane(apiServer, controllerManager, client, kubeconfig,
                    config.getMasterUrl().replaceAll("/$", ""));
            } catch (IOException | RuntimeException e) {
                if (controllerManager != null) {
                    controllerManager.stop();
                }
                apiServer.stop();
                throw new IllegalStateException("could not start the control plane for " + testClass, e);
            }
        }

        KubernetesClient client() {
            return client;
        }

        /** A second API server on this plane's etcd; see {@link ApiServerProcess}. */
        ApiServerProcess startExtraApiServer() {
            try {
                return ApiServerProcess.startBeside(masterUrl, Files.readString(kubeconfig));
            } catch (IOException e) {
                throw new IllegalStateException("could not start a second kube-apiserver beside " + masterUrl, e);
            }
        }

        Path kubeconfig() {
            return kubeconfig;
        }

        String masterUrl() {
            return masterUrl;
        }

        @Override
        public void close() throws IOException {
            client.close();
            controllerManager.stop();
            apiServer.stop();
            Files.deleteIfExists(kubeconfig);
        }

        private static String requiredProperty(String name) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("system property " + name + " is not set: run the integration"
                    + " tests through Maven (mvn verify), which sets it from the parent pom");
            }
            return value;
        }
    }
}
