package org.instructforge.web.dataset.importing;

/** A line's reason for rejection, thrown inside the parser and turned into {@link LineResult.Bad}. */
final class BadLineException extends RuntimeException {

    BadLineException(String reason) {
        // No stack trace: a file may have thousands of bad lines and the trace would never be read.
        super(reason, null, false, false);
    }
}
