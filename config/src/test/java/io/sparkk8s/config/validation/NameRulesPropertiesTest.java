package io.sparkk8s.config.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparkk8s.config.catalogue.CatalogueEntry;
import io.sparkk8s.config.catalogue.ConfigCatalogue;
import io.sparkk8s.config.catalogue.ConfigEntry;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Generated names against the API server's rules, and typo suggestions against the whole catalogue. */
class NameRulesPropertiesTest {

    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    @Property
    void everyNameOfAlphanumericEndsAndAllowedInsideIsAValidLabelKeyAndValue(@ForAll("names") String name) {
        assertThat(KubernetesNames.labelKeyProblem(name)).isEmpty();
        assertThat(KubernetesNames.labelValueProblem(name)).isEmpty();
        assertThat(KubernetesNames.labelKeyProblem("example.com/" + name)).isEmpty();
    }

    @Property
    void aNameWithAForbiddenCharacterAnywhereIsRejected(@ForAll("names") String name,
                                                        @ForAll("forbidden") char bad,
                                                        @ForAll @IntRange(max = 62) int at) {
        int position = Math.min(at, name.length());
        String broken = name.substring(0, position) + bad + name.substring(position);

        assertThat(KubernetesNames.labelValueProblem(broken)).isPresent();
        assertThat(KubernetesNames.labelKeyProblem(broken.replace("/", "//"))).isPresent();
    }

    @Property
    void namesLongerThan63AreRejected(@ForAll("names") String name) {
        String tooLong = name + "a".repeat(64 - Math.min(name.length(), 63));

        assertThat(KubernetesNames.labelKeyProblem(tooLong)).isPresent();
        assertThat(KubernetesNames.labelValueProblem(tooLong)).isPresent();
    }

    @Property
    void aKeyWithOneCharacterMistypedIsTracedBackToTheKnownKey(@ForAll("knownKeys") String key,
                                                               @ForAll @IntRange(min = 17, max = 200) int at,
                                                               @ForAll boolean delete) {
        int position = Math.min(at, key.length() - 1);
        String typo = delete ? key.substring(0, position) + key.substring(position + 1)
            : key.substring(0, position) + (key.charAt(position) == 'q' ? 'z' : 'q') + key.substring(position + 1);
        ConfigCatalogue catalogue = ConfigCatalogue.standard();
        if (catalogue.find(typo).isPresent()) {
            return; // the typo happens to be another known key
        }

        assertThat(catalogue.closestKey(typo)).isPresent().get()
            .satisfies(suggested -> assertThat(ClosestMatch.distance(typo, suggested)).isLessThanOrEqualTo(1));
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<Character> ends = Arbitraries.of(ALNUM.chars().mapToObj(c -> (char) c).toList());
        Arbitrary<String> middle = Arbitraries.strings().withChars(ALNUM + "-_.").ofMaxLength(61);
        return Combinators.combine(ends, middle, ends, Arbitraries.of(true, false))
            .as((first, inside, last, single) -> single ? String.valueOf(first) : first + inside + last);
    }

    @Provide
    Arbitrary<Character> forbidden() {
        return Arbitraries.of(' ', '!', '*', '@', ':', '\u00e9', '\t', '+', '=', ',');
    }

    @Provide
    Arbitrary<String> knownKeys() {
        List<String> keys = ConfigCatalogue.standard().entries().stream()
            .filter(e -> e instanceof ConfigEntry<?>).map(CatalogueEntry::key)
            .filter(k -> k.startsWith("spark.kubernetes.")).toList();
        return Arbitraries.of(keys);
    }
}
