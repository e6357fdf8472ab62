package io.sparkk8s.staging;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BulkTransferTuningTest {

    private static final String BUFFER = "pekko.io.tcp.direct-buffer-size";

    @AfterEach
    void forgetOverrides() {
        System.clearProperty(BUFFER);
        ConfigFactory.invalidateCaches();
    }

    @Test
    void theTuningReplacesPekkosDefaultAndKeepsEverythingElse() {
        ClassLoader loader = getClass().getClassLoader();
        Config plain = ConfigFactory.load(loader);
        Config tuned = BulkTransferTuning.load(loader);

        assertThat(plain.getBytes(BUFFER)).as("Pekko's own default").isEqualTo(128L * 1024);
        assertThat(tuned.getBytes(BUFFER)).isEqualTo(512L * 1024);
        // The rest is the ordinary configuration, resolved (reference.conf of every module on the class path).
        assertThat(tuned.getString("pekko.stream.materializer.blocking-io-dispatcher"))
            .isEqualTo(plain.getString("pekko.stream.materializer.blocking-io-dispatcher"));
        assertThat(tuned.isResolved()).isTrue();
    }

    @Test
    void aSystemPropertyStillWinsOverTheTuning() {
        System.setProperty(BUFFER, "64 KiB");
        ConfigFactory.invalidateCaches();

        assertThat(BulkTransferTuning.load(getClass().getClassLoader()).getBytes(BUFFER)).isEqualTo(64L * 1024);
    }
}
