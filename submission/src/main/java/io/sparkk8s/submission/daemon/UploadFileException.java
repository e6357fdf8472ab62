package io.sparkk8s.submission.daemon;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A local file of a multipart submission could not be sent as it was when the submission started (it
 * disappeared, became unreadable, or changed size while it was streamed). The request is abandoned; the
 * daemon deletes what it staged of it.
 */
public final class UploadFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** {@code file} could not be sent, for {@code reason}. */
    public UploadFileException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    /** The local file that could not be sent. */
    public Path file() {
        return file;
    }
}
