package org.instructforge.web.pii;

import java.util.List;

/**
 * One rule family (emails, phones, ...). Implementations are stateless after construction, so one instance
 * serves every thread; candidates may overlap each other, {@link PiiScanner} resolves that.
 */
interface PiiDetector {

    /** Appends every candidate found in {@code text} to {@code out}. */
    void detect(String text, List<PiiDetection> out);
}
