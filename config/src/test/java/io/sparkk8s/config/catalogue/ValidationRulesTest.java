package io.sparkk8s.config.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparkk8s.config.ConfigWarning;
import io.sparkk8s.config.InvalidConfigurationException;
import io.sparkk8s.config.SparkConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per validation rule of the catalogue, each showing the message a user gets. */
class ValidationRulesTest {

    private static final ConfigCatalogue CATALOGUE = ConfigCatalogue.standard();

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String key, String value) {
        return assertThatThrownBy(() -> CATALOGUE.validate(SparkConf.of(Map.of(key, value))))
            .isInstanceOf(InvalidConfigurationException.class)
            .hasMessageStartingWith(key + ": ");
    }

    @Test
    void rejectsMalformedSizesNamingKeyValueAndFormat() {
        assertRejected("spark.driver.memory", "2 gigs")
            .hasMessage("spark.driver.memory: '2 gigs' is not a size; expected a whole number with an optional unit"
                + " suffix b, k, m, g, t or p (binary: 1k = 1024 bytes; kb, mb, gb, tb, pb also accepted), e.g. 512m,"
                + " 2g or 1536k; a number without unit is in MiB");
    }

    @Test
    void rejectsFractionalSizesLikeSpark() {
        assertRejected("spark.executor.memory", "1.5g").hasMessageContaining("'1.5g' is a fraction")
            .hasMessageContaining("1536m rather than 1.5g");
    }

    @Test
    void rejectsNonPositiveMemory() {
        assertRejected("spark.driver.memory", "0")
            .hasMessage("spark.driver.memory: '0' is not valid; expected a value greater than 0");
        assertRejected("spark.executor.memory", "-1g")
            .hasMessage("spark.executor.memory: '-1g' is not valid; expected a value greater than 0");
    }

    @Test
    void rejectsMalformedDurations() {
        assertRejected("spark.kubernetes.report.interval", "5 seconds")
            .hasMessageContaining("'5 seconds' is not a duration; expected a whole number with an optional unit"
                + " suffix us, ms, s, m or min, h or d")
            .hasMessageEndingWith("; a number without unit is in milliseconds");
        assertRejected("spark.kubernetes.mountdependencies.mountTimeout", "1.5m")
            .hasMessageContaining("'1.5m' is not a duration");
    }

    @Test
    void rejectsNonPositiveDurations() {
        assertRejected("spark.kubernetes.report.interval", "0s")
            .hasMessage("spark.kubernetes.report.interval: '0s' is not valid; expected a duration greater than 0,"
                + " e.g. 30s");
    }

    @ParameterizedTest
    @CsvSource({"spark.driver.cores, 0", "spark.executor.cores, -2", "spark.cores.max, 0"})
    void rejectsNonPositiveCores(String key, String value) {
        assertRejected(key, value).hasMessage(key + ": '" + value + "' is not valid; expected a value greater than 0");
    }

    @Test
    void rejectsFractionalCoreCountsButAcceptsCpuQuantitiesForRequests() {
        assertRejected("spark.driver.cores", "1.5")
            .hasMessage("spark.driver.cores: '1.5' is not a whole number; expected e.g. 2");
        assertThat(CATALOGUE.validate(SparkConf.of(Map.of("spark.kubernetes.driver.request.cores", "1.5"))).warnings())
            .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "500x", "one", "0m"})
    void rejectsCpuQuantitiesKubernetesWouldReject(String value) {
        assertRejected("spark.kubernetes.driver.limit.cores", value).hasMessageContaining("'" + value + "'")
            .hasMessageContaining("expected a Kubernetes CPU quantity greater than 0, e.g. 0.5, 500m or 2");
    }

    @Test
    void rejectsMalformedBooleans() {
        assertRejected("spark.kubernetes.submission.waitAppCompletion", "yes")
            .hasMessage("spark.kubernetes.submission.waitAppCompletion: 'yes' is not a boolean; expected true or"
                + " false");
    }

    @Test
    void rejectsPortsOutOfRange() {
        assertRejected("spark.kubernetes.resourceStagingServer.port", "70000")
            .hasMessage("spark.kubernetes.resourceStagingServer.port: '70000' is not valid; expected a port number"
                + " from 1 to 65535");
    }

    @Test
    void rejectsUnknownPullPolicies() {
        assertRejected("spark.kubernetes.container.image.pullPolicy", "always")
            .hasMessage("spark.kubernetes.container.image.pullPolicy: 'always' is not valid; expected one of Always,"
                + " IfNotPresent, Never");
    }

    @ParameterizedTest(name = "label key {0}")
    @CsvSource(delimiter = '|', value = {
        "bad key       | is not valid; the name part (after the optional prefix and '/') must be at most 63",
        "-team         | is not valid; the name part",
        "team-         | is not valid; the name part",
        "a/b/c         | has more than one '/'",
        "/team         | has an empty prefix before '/'",
        "Example.com/x | the prefix 'Example.com' is not a valid DNS-1123 subdomain",
        "example.com/  | has an empty name",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | has a name part of 64 characters",
    })
    void rejectsLabelKeysThatKubernetesWouldReject(String name, String message) {
        String key = "spark.kubernetes.driver.label." + name;
        assertRejected(key, "v").hasMessageContaining("label key '" + name + "'").hasMessageContaining(message);
    }

    @Test
    void rejectsLabelKeyPrefixesLongerThan253() {
        String prefix = String.join(".", "a".repeat(60), "b".repeat(60), "c".repeat(60), "d".repeat(60), "e".repeat(60),
            "io");
        assertRejected("spark.kubernetes.executor.label." + prefix + "/team", "v")
            .hasMessageContaining("the prefix '" + prefix + "' is 307 characters long");
    }

    @ParameterizedTest(name = "label value {0}")
    @ValueSource(strings = {"has space", "-leading", "trailing.", "a*b",
        "0123456789012345678901234567890123456789012345678901234567890123"})
    void rejectsLabelValuesThatKubernetesWouldReject(String value) {
        assertRejected("spark.kubernetes.driver.label.team", value)
            .hasMessageContaining("label value '" + value + "'")
            .hasMessageContaining("a label value is empty or at most 63 characters from [A-Za-z0-9], '-', '_' and '.'");
    }

    @Test
    void acceptsEmptyLabelValuesAndPrefixedKeys() {
        SparkConf conf = SparkConf.of(Map.of(
            "spark.kubernetes.driver.label.empty", "",
            "spark.kubernetes.driver.label.app.kubernetes.io/part-of", "etl_v1.2",
            "spark.kubernetes.node.selector.kubernetes.io/arch", "amd64"));

        assertThat(CATALOGUE.validate(conf).warnings()).isEmpty();
        assertThat(PodMetadataKeys.DRIVER_LABELS.get(conf))
            .containsExactly(Map.entry("app.kubernetes.io/part-of", "etl_v1.2"), Map.entry("empty", ""));
    }

    @Test
    void rejectsLabelsThatSparkSetsItself() {
        assertRejected("spark.kubernetes.driver.label.spark-role", "x")
            .hasMessage("spark.kubernetes.driver.label.spark-role: label spark-role is set by Spark itself and cannot"
                + " be set; reserved labels are spark-app-selector, spark-role");
        assertRejected("spark.kubernetes.executor.label.spark-exec-id", "1")
            .hasMessageContaining("label spark-exec-id is set by Spark itself");
    }

    @Test
    void rejectsAnnotationKeysButNotUpperCaseOnes() {
        assertRejected("spark.kubernetes.driver.annotation.bad key", "v")
            .hasMessageContaining("annotation key 'bad key' is not valid");
        assertThat(CATALOGUE.validate(SparkConf.of(Map.of(
            "spark.kubernetes.driver.annotation.Example.COM/Owner", "any value: at all, even spaces"))).warnings())
            .isEmpty();
    }

    @Test
    void rejectsAnnotationsLargerThanKubernetesAllows() {
        assertThatThrownBy(() -> CATALOGUE.validate(SparkConf.of(Map.of(
            "spark.kubernetes.driver.annotation.a", "x".repeat(200 * 1024),
            "spark.kubernetes.driver.annotation.b", "y".repeat(100 * 1024)))))
            .hasMessage("spark.kubernetes.driver.annotation.[AnnotationName]: the annotations total 307202 bytes;"
                + " Kubernetes allows at most 262144 bytes of keys and values per object");
    }

    @Test
    void rejectsExecutorPodNamePrefixesThatWouldOverflow63Characters() {
        String prefix = "a".repeat(48);
        assertRejected("spark.kubernetes.executor.podNamePrefix", prefix)
            .hasMessage("spark.kubernetes.executor.podNamePrefix: '" + prefix + "' is 48 characters long; executor pod"
                + " names are <prefix>-exec-<id> and must fit in 63 characters, so the prefix has at most 47");
        assertThat(CATALOGUE.validate(SparkConf.of(Map.of("spark.kubernetes.executor.podNamePrefix",
            "a".repeat(47)))).warnings()).isEmpty();
    }

    @Test
    void rejectsExecutorPodNamePrefixesThatAreNotDnsLabels() {
        assertRejected("spark.kubernetes.executor.podNamePrefix", "My_App")
            .hasMessageContaining("executor pod name prefix 'My_App' is not a valid DNS-1123 label");
    }

    @Test
    void rejectsDriverPodNamesKubernetesWouldReject() {
        assertRejected("spark.kubernetes.driver.pod.name", "Spark_Pi")
            .hasMessage("spark.kubernetes.driver.pod.name: pod name 'Spark_Pi' is not a valid DNS-1123 subdomain;"
                + " expected at most 253 characters of lower-case letters, digits, '-' and '.', each dot-separated"
                + " part starting and ending with a letter or digit");
    }

    @Test
    void rejectsNamespacesThatAreNotDnsLabels() {
        assertRejected("spark.kubernetes.namespace", "team.a")
            .hasMessageContaining("namespace 'team.a' is not a valid DNS-1123 label");
        assertRejected("spark.kubernetes.namespace", "n".repeat(64))
            .hasMessageContaining("is 64 characters long");
    }

    @Test
    void rejectsSecretsWithInvalidNamesOrRelativeMountPaths() {
        assertRejected("spark.kubernetes.driver.secrets.DB", "/etc/db")
            .hasMessageContaining("secret name 'DB' is not a valid DNS-1123 subdomain");
        assertRejected("spark.kubernetes.executor.secrets.db", "etc/db")
            .hasMessage("spark.kubernetes.executor.secrets.db: mount path 'etc/db' is not absolute; expected a path"
                + " such as /etc/secrets");
    }

    @Test
    void rejectsSecretKeyRefsWithoutSecretAndKey() {
        assertRejected("spark.kubernetes.driver.secretKeyRef.PASSWORD", "db-creds")
            .hasMessage("spark.kubernetes.driver.secretKeyRef.PASSWORD: 'db-creds' is not <secret name>:<key>;"
                + " expected e.g. db-credentials:password");
    }

    @Test
    void rejectsVolumesOfUnknownTypeOrProperty() {
        assertRejected("spark.kubernetes.driver.volumes.configMap.cfg.mount.path", "/cfg")
            .hasMessageContaining("volume type 'configMap' is not supported; expected one of emptyDir, hostPath, nfs,"
                + " persistentVolumeClaim");
        assertRejected("spark.kubernetes.driver.volumes.emptyDir.tmp.mount.pth", "/tmp")
            .hasMessageContaining("volume property 'mount.pth' is not known");
    }

    @Test
    void rejectsVolumesWithoutMountPath() {
        assertThatThrownBy(() -> CATALOGUE.validate(SparkConf.of(Map.of(
            "spark.kubernetes.executor.volumes.persistentVolumeClaim.data.options.claimName", "pvc"))))
            .hasMessageContaining("volume persistentVolumeClaim.data has no mount.path; set"
                + " persistentVolumeClaim.data.mount.path to where it is mounted");
    }

    @Test
    void rejectsPodTemplateFilesThatDoNotExist(@TempDir Path dir) {
        Path missing = dir.resolve("driver.yaml");
        assertRejected("spark.kubernetes.driver.podTemplateFile", missing.toString())
            .hasMessage("spark.kubernetes.driver.podTemplateFile: '" + missing + "' does not exist or is not a regular"
                + " file; expected a local file readable by the submitting user");
    }

    @Test
    void rejectsCredentialFilesThatDoNotExist(@TempDir Path dir) {
        assertRejected("spark.kubernetes.authenticate.submission.caCertFile", dir.toString())
            .hasMessageContaining("does not exist or is not a regular file");
    }

    @Test
    void rejectsATokenGivenBothAsValueAndAsFile(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        assertThatThrownBy(() -> CATALOGUE.validate(SparkConf.of(Map.of(
            "spark.kubernetes.authenticate.submission.oauthToken", "t",
            "spark.kubernetes.authenticate.submission.oauthTokenFile", token.toString()))))
            .hasMessage("spark.kubernetes.authenticate.submission.oauthTokenFile: set together with"
                + " spark.kubernetes.authenticate.submission.oauthToken; give the token one way only (the file is"
                + " safer: a value on the command line is visible to other users)");
    }

    @Test
    void rejectsStagingServerUrisThatAreNotHttp() {
        assertRejected("spark.kubernetes.resourceStagingServer.uri", "staging:10000")
            .hasMessage("spark.kubernetes.resourceStagingServer.uri: 'staging:10000' is not an http:// or https:// URL"
                + " with a host; expected e.g. https://staging.example.com:10000");
    }

    @Test
    void rejectsPullSecretNamesKubernetesWouldReject() {
        assertRejected("spark.kubernetes.container.image.pullSecrets", "good, Bad_Name")
            .hasMessageContaining("secret name 'Bad_Name' is not a valid DNS-1123 subdomain");
    }

    @Test
    void namesTheDeprecatedKeyWhenItsValueIsInvalid() {
        assertRejected("spark.kubernetes.docker.image.pullPolicy", "sometimes")
            .hasMessageContaining("'sometimes' is not valid; expected one of Always, IfNotPresent, Never");
    }

    @Test
    void rejectsMalformedDeprecatedLabelLists() {
        assertRejected("spark.kubernetes.driver.labels", "team=data,tier")
            .hasMessage("spark.kubernetes.driver.labels: 'tier' is not a name=value pair; expected a comma-separated"
                + " list such as name1=value1,name2=value2");
    }

    @Test
    void reportsEveryProblemAtOnceOnePerLine() {
        InvalidConfigurationException e = (InvalidConfigurationException) org.assertj.core.api.Assertions
            .catchThrowable(() -> CATALOGUE.validate(SparkConf.of(Map.of(
                "spark.driver.cores", "0", "spark.kubernetes.namespace", "Bad", "spark.executor.memory", "x"))));

        assertThat(e.problems()).extracting(InvalidConfigurationException::option)
            .containsExactly("spark.driver.cores", "spark.executor.memory", "spark.kubernetes.namespace");
        assertThat(e.getMessage().split("\n")).hasSize(3);
    }

    @Test
    void warnsAboutUnknownKubernetesKeysWithTheClosestKnownKey() {
        ValidatedConf result = CATALOGUE.validate(SparkConf.of(Map.of(
            "spark.kubernetes.container.imag", "spark:3.5.1",
            "spark.ssl.kubernetes.resourceStagingServer.keyStor", "/ks.jks",
            "spark.kubernetes.totally.made.up", "x",
            "spark.sql.shuffle.partitions", "10")));

        assertThat(result.warnings()).extracting(ConfigWarning::toString).containsExactly(
            "spark.kubernetes.container.imag: not a known configuration key; did you mean"
                + " spark.kubernetes.container.image?",
            "spark.kubernetes.totally.made.up: not a known configuration key; it is passed on to Spark unchanged"
                + " (fine if your Spark version reads it)",
            "spark.ssl.kubernetes.resourceStagingServer.keyStor: not a known configuration key; did you mean"
                + " spark.ssl.kubernetes.resourceStagingServer.keyStore?");
        assertThat(result.conf().get("spark.kubernetes.container.imag")).contains("spark:3.5.1");
    }

    @Test
    void warnsAboutDeprecatedKeysAndCopiesTheirValueToTheCurrentKey() {
        ValidatedConf result = CATALOGUE.validate(SparkConf.of(Map.of(
            "spark.kubernetes.docker.image.pullPolicy", "Always")));

        assertThat(result.warnings()).extracting(ConfigWarning::toString).containsExactly(
            "spark.kubernetes.docker.image.pullPolicy: deprecated; use spark.kubernetes.container.image.pullPolicy");
        assertThat(result.conf().get("spark.kubernetes.container.image.pullPolicy")).contains("Always");
        assertThat(result.conf().get("spark.kubernetes.docker.image.pullPolicy")).contains("Always");
    }
}
