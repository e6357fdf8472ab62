package io.sparkk8s.actors.owners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sparkk8s.staging.StagedResourcesOwner;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who the watcher keeps watching for: a subscriber that stops without {@link OwnerWatcher.Unwatch}
 * loses its watches, and the informers only it needed are stopped. The client points at a loopback
 * port nobody listens on, so the informers never sync (nothing is judged or deleted); what the test
 * reads is the watcher's {@link OwnerWatchHealth}, which lists a namespace exactly while its informer
 * runs. The watcher against a real API server is tested in {@code it/}.
 */
class OwnerWatcherSubscribersTest {

    private static final ActorTestKit TEST_KIT = ActorTestKit.create();
    private static final ExecutorService IO = Executors.newCachedThreadPool();
    private static final OwnerWatcherSettings SETTINGS = new OwnerWatcherSettings(Duration.ZERO,
        Duration.ofMillis(100), Duration.ofSeconds(5));
    private static final StagedResourcesOwner OWNER_A = new StagedResourcesOwner("team-a",
        Map.of("spark-app-selector", "spark-1"), "Pod");
    private static final StagedResourcesOwner OWNER_B = new StagedResourcesOwner("team-b",
        Map.of("spark-app-selector", "spark-2"), "Pod");

    private final OwnerWatchHealth health = new OwnerWatchHealth();
    private KubernetesClient client;
    private ActorRef<OwnerWatcher.Command> watcher;

    @AfterAll
    static void shutdown() {
        TEST_KIT.shutdownTestKit();
        IO.shutdownNow();
    }

    @BeforeEach
    void startWatcher() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + closedPort).withRequestRetryBackoffLimit(0).build()).build();
        watcher = TEST_KIT.spawn(OwnerWatcher.create(client, IO, SETTINGS, Clock.systemUTC(), health));
    }

    @AfterEach
    void stopWatcher() {
        TEST_KIT.stop(watcher);
        client.close();
    }

    @Test
    void dropsTheWatchesOfASubscriberThatStopsWithoutUnwatchingAndStopsTheirInformers() {
        TestProbe<OwnerWatcher.OwnerEvent> subscriber = TEST_KIT.createTestProbe();
        watcher.tell(new OwnerWatcher.Watch(OWNER_A, subscriber.getRef()));
        watcher.tell(new OwnerWatcher.Watch(OWNER_B, subscriber.getRef()));
        await().atMost(Duration.ofSeconds(5)).until(() -> health.namespaces().size() == 2);

        subscriber.stop();

        await("informers of the stopped subscriber's namespaces stopped").atMost(Duration.ofSeconds(5))
            .until(() -> health.namespaces().isEmpty());
    }

    @Test
    void dropsTheWatchesMadeThroughAMessageAdapterWhenItsActorStops() {
        // The cleaner subscribes through a message adapter: the watcher sees the adapter's ref, not the actor's.
        ActorRef<String> subscriber = TEST_KIT.spawn(Behaviors.setup(ctx -> {
            ActorRef<OwnerWatcher.OwnerEvent> adapter = ctx.messageAdapter(OwnerWatcher.OwnerEvent.class,
                event -> "event");
            watcher.tell(new OwnerWatcher.Watch(OWNER_A, adapter));
            return Behaviors.receiveMessage(msg -> "stop".equals(msg) ? Behaviors.stopped() : Behaviors.same());
        }));
        await().atMost(Duration.ofSeconds(5)).until(() -> health.namespaces().size() == 1);

        subscriber.tell("stop");

        await("informer of the stopped actor's namespace stopped").atMost(Duration.ofSeconds(5))
            .until(() -> health.namespaces().isEmpty());
    }

    @Test
    void keepsAnOwnerThatAnotherSubscriberStillWatches() {
        TestProbe<OwnerWatcher.OwnerEvent> stopping = TEST_KIT.createTestProbe();
        TestProbe<OwnerWatcher.OwnerEvent> staying = TEST_KIT.createTestProbe();
        watcher.tell(new OwnerWatcher.Watch(OWNER_A, stopping.getRef()));
        watcher.tell(new OwnerWatcher.Watch(OWNER_B, stopping.getRef()));
        watcher.tell(new OwnerWatcher.Watch(OWNER_A, staying.getRef()));
        await().atMost(Duration.ofSeconds(5)).until(() -> health.namespaces().size() == 2);

        stopping.stop();

        await("only team-a, watched by the other subscriber, is left").atMost(Duration.ofSeconds(5))
            .until(() -> health.namespaces().stream().map(NamespaceWatchStatus::namespace).toList(),
                namespaces -> namespaces.equals(List.of("team-a")));
        assertThat(status("team-a")).hasValueSatisfying(s -> assertThat(s.owners()).isEqualTo(1));

        // The remaining subscriber's own Unwatch still works after the other one's death.
        watcher.tell(new OwnerWatcher.Unwatch(OWNER_A, staying.getRef()));
        await().atMost(Duration.ofSeconds(5)).until(() -> health.namespaces().isEmpty());
    }

    @Test
    void aSubscriberThatUnwatchedEverythingBeforeStoppingChangesNothingLater() {
        TestProbe<OwnerWatcher.OwnerEvent> leaving = TEST_KIT.createTestProbe();
        TestProbe<OwnerWatcher.OwnerEvent> staying = TEST_KIT.createTestProbe();
        watcher.tell(new OwnerWatcher.Watch(OWNER_A, leaving.getRef()));
        watcher.tell(new OwnerWatcher.Unwatch(OWNER_A, leaving.getRef()));
        leaving.stop();
        watcher.tell(new OwnerWatcher.Watch(OWNER_B, staying.getRef()));

        await().atMost(Duration.ofSeconds(5)).until(() -> health.namespaces().stream()
            .map(NamespaceWatchStatus::namespace).toList().equals(List.of("team-b")));
        // The watcher is alive and still serves the other subscriber: a second owner there is counted.
        watcher.tell(new OwnerWatcher.Watch(new StagedResourcesOwner("team-b",
            Map.of("spark-app-selector", "spark-3"), "Pod"), staying.getRef()));
        await().atMost(Duration.ofSeconds(5)).until(() -> status("team-b").map(NamespaceWatchStatus::owners)
            .orElse(0) == 2);
    }

    private Optional<NamespaceWatchStatus> status(String namespace) {
        return health.namespaces().stream().filter(s -> s.namespace().equals(namespace)).findFirst();
    }
}
