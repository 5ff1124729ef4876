package org.instructforge.web.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an API controller whose {@code @Valid} request bodies answer a failed check with 400
 * {@code {"errors": {field: message}}}, the messages its form shows beside the fields ({@link FieldErrorsAdvice}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface FieldErrorsApi {}
