package io.sparkk8s.http.daemon;

import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** For tests of the daemon's HTTP surface: one actor system per class, a fresh {@link DaemonTestServer} per test. */
abstract class DaemonServerTest {

    static ActorSystem<Void> system;

    @TempDir
    Path dir;

    DaemonTestServer server;

    @BeforeAll
    static void startSystem() {
        system = ActorSystem.create(Behaviors.empty(), "daemon-server-test");
    }

    @AfterAll
    static void stopSystem() {
        system.terminate();
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new DaemonTestServer(system, dir);
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }
}
