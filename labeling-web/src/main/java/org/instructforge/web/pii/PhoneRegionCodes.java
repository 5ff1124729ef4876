package org.instructforge.web.pii;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.hibernate.validator.constraintvalidation.HibernateConstraintValidatorContext;

/**
 * A list of phone regions as an admin types it ("US, GB, DE"): every code must be one {@link PhoneRegions} knows;
 * blank means the default list. The message names the codes that are not regions.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PhoneRegionCodes.Validator.class)
public @interface PhoneRegionCodes {

    String message() default "{pii.phoneRegions.unknown}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks the list with {@link PhoneRegions#unknownCodes}, the rule {@link PhoneRegions#parse} applies. */
    class Validator implements ConstraintValidator<PhoneRegionCodes, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            var unknown = PhoneRegions.unknownCodes(value);
            if (unknown.isEmpty()) {
                return true;
            }
            // Hibernate Validator interpolates the message after inserting parameters: what the admin typed is
            // escaped so that "${...}" is shown, never evaluated as an expression.
            String typed = String.join(", ", unknown).replaceAll("([\\\\{}$])", "\\\\$1");
            context.unwrap(HibernateConstraintValidatorContext.class).addMessageParameter("codes", typed);
            return false;
        }
    }
}
