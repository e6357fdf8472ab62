package io.sparkk8s.staging.tar;

import java.io.IOException;

/** A tar entry that extraction refused: it would escape the target, is a device, or breaks a limit. */
public final class UnsafeArchiveException extends IOException {

    private static final long serialVersionUID = 1L;

    /** {@code entryName} refused for {@code reason}. */
    public UnsafeArchiveException(String entryName, String reason) {
        super("tar entry '" + entryName + "': " + reason);
    }
}
