package io.sparkk8s.it.node;

import java.util.List;

/**
 * How the simulator runs containers of one image: the local command that stands for the image's
 * entrypoint (e.g. the init-container image's {@code bin/spark-k8s-init} from the build output).
 *
 * @param image the image name; a trailing {@code *} matches any suffix (tags)
 * @param entrypoint the local command run with the container's arguments
 */
public record LocalImage(String image, List<String> entrypoint) {

    /** Copies the list. */
    public LocalImage {
        entrypoint = List.copyOf(entrypoint);
    }

    boolean matches(String containerImage) {
        return image.endsWith("*") ? containerImage.startsWith(image.substring(0, image.length() - 1))
            : image.equals(containerImage);
    }
}
