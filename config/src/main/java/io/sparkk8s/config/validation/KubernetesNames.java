package io.sparkk8s.config.validation;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The name rules the Kubernetes API server applies, checked before anything is sent to it. Each
 * method returns what is wrong with a value, or empty when the API server would accept it.
 *
 * <ul>
 *   <li>label and annotation keys: an optional prefix that is a DNS-1123 subdomain of at most 253
 *   characters followed by {@code /}, then a name of at most 63 characters from {@code [A-Za-z0-9]}
 *   with {@code -}, {@code _} and {@code .} allowed inside (annotation keys are checked
 *   lower-cased, as the API server does);</li>
 *   <li>label values: empty, or at most 63 characters of the name part's charset;</li>
 *   <li>DNS-1123 labels (namespaces, service names): at most 63 characters of {@code [a-z0-9-]},
 *   starting and ending with an alphanumeric;</li>
 *   <li>DNS-1123 subdomains (pod, secret and config map names): at most 253 characters, dot-separated
 *   DNS-1123 labels.</li>
 * </ul>
 */
public final class KubernetesNames {

    /** Longest DNS-1123 label, and longest name part of a qualified name. */
    public static final int MAX_LABEL_LENGTH = 63;
    /** Longest DNS-1123 subdomain. */
    public static final int MAX_SUBDOMAIN_LENGTH = 253;
    /** Longest total size of a resource's annotations, keys plus values, in bytes. */
    public static final int MAX_ANNOTATIONS_SIZE = 256 * 1024;

    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
        Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final String NAME_RULE = "at most 63 characters from [A-Za-z0-9], '-', '_' and '.', starting"
        + " and ending with a letter or digit";
    private static final String DNS_LABEL_RULE = "at most 63 lower-case letters, digits and '-', starting and"
        + " ending with a letter or digit";
    private static final String SUBDOMAIN_RULE = "at most 253 characters of lower-case letters, digits, '-' and"
        + " '.', each dot-separated part starting and ending with a letter or digit";

    private KubernetesNames() {
    }

    /** Problems with a label key, as the API server would report them. */
    public static Optional<String> labelKeyProblem(String key) {
        return qualifiedNameProblem(key, "label key");
    }

    /** Problems with an annotation key; the API server checks the lower-cased key. */
    public static Optional<String> annotationKeyProblem(String key) {
        return qualifiedNameProblem(key.toLowerCase(Locale.ROOT), "annotation key").map(p -> p.replace(
            "'" + key.toLowerCase(Locale.ROOT) + "'", "'" + key + "'"));
    }

    /** Problems with a label value: empty is fine, else the name-part rules. */
    public static Optional<String> labelValueProblem(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_LABEL_LENGTH) {
            return Optional.of("label value '" + value + "' is " + value.length() + " characters long; a label"
                + " value is empty or " + NAME_RULE);
        }
        if (!QUALIFIED_NAME_PART.matcher(value).matches()) {
            return Optional.of("label value '" + value + "' is not valid; a label value is empty or " + NAME_RULE);
        }
        return Optional.empty();
    }

    /** Problems with a DNS-1123 label such as a namespace. */
    public static Optional<String> dnsLabelProblem(String name, String what) {
        if (name.length() > MAX_LABEL_LENGTH) {
            return Optional.of(what + " '" + name + "' is " + name.length() + " characters long; expected "
                + DNS_LABEL_RULE);
        }
        if (!DNS_LABEL.matcher(name).matches()) {
            return Optional.of(what + " '" + name + "' is not a valid DNS-1123 label; expected " + DNS_LABEL_RULE);
        }
        return Optional.empty();
    }

    /** Problems with a DNS-1123 subdomain such as a pod or secret name. */
    public static Optional<String> dnsSubdomainProblem(String name, String what) {
        if (name.length() > MAX_SUBDOMAIN_LENGTH) {
            return Optional.of(what + " '" + name + "' is " + name.length() + " characters long; expected "
                + SUBDOMAIN_RULE);
        }
        if (!DNS_SUBDOMAIN.matcher(name).matches()) {
            return Optional.of(what + " '" + name + "' is not a valid DNS-1123 subdomain; expected "
                + SUBDOMAIN_RULE);
        }
        return Optional.empty();
    }

    private static Optional<String> qualifiedNameProblem(String key, String what) {
        String[] parts = key.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            String prefix = parts[0];
            name = parts[1];
            if (prefix.isEmpty()) {
                return Optional.of(what + " '" + key + "' has an empty prefix before '/'; the prefix, if any, is a"
                    + " DNS-1123 subdomain such as example.com");
            }
            Optional<String> prefixProblem = dnsSubdomainProblem(prefix, "the prefix");
            if (prefixProblem.isPresent()) {
                return Optional.of(what + " '" + key + "': " + prefixProblem.get());
            }
        } else {
            return Optional.of(what + " '" + key + "' has more than one '/'; expected an optional DNS-1123"
                + " subdomain prefix and '/', then a name of " + NAME_RULE);
        }
        if (name.isEmpty()) {
            return Optional.of(what + " '" + key + "' has an empty name; expected " + NAME_RULE);
        }
        if (name.length() > MAX_LABEL_LENGTH) {
            return Optional.of(what + " '" + key + "' has a name part of " + name.length() + " characters;"
                + " expected " + NAME_RULE);
        }
        if (!QUALIFIED_NAME_PART.matcher(name).matches()) {
            return Optional.of(what + " '" + key + "' is not valid; the name part (after the optional prefix and"
                + " '/') must be " + NAME_RULE);
        }
        return Optional.empty();
    }
}
