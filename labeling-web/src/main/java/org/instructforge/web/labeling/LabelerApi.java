package org.instructforge.web.labeling;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the controllers of the labeler JSON API ({@code /api/labeler/**}): their errors are answered as
 * {@code {"error": message}} by {@link LabelerApiErrors}, while the HTML pages keep their error page.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface LabelerApi {}
