package io.sparkk8s.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Extra {@code kube-apiserver} flags for one test class, as {@code --name=value}, e.g. a short
 * {@code --etcd-compaction-interval} to provoke 410 Gone.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ApiServerFlags {

    /** Flags in {@code --name=value} form. */
    String[] value();
}
