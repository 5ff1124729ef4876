package org.instructforge.web.labeling;

import java.util.Map;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

/**
 * Errors of the labeler JSON API as {@code {"error": message}}, with the status and message the services give
 * the HTML pages (400 for a bad answer, 404 for someone else's task, 409 for a skipped or lost one, 429 past the
 * rate limit): the validation lives once, in the services.
 */
@RestControllerAdvice(annotations = LabelerApi.class)
class LabelerApiErrors {

    private static final int MAX_DETAIL = 300;

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        String cause = e.getMostSpecificCause().getMessage();
        String detail = cause == null ? "" : ": " + cause.lines().findFirst().orElse("");
        return error(
                HttpStatus.BAD_REQUEST,
                "The request body is not the JSON this call takes"
                        + (detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail));
    }

    @ExceptionHandler(TypeMismatchException.class)
    ResponseEntity<Map<String, String>> mismatch(TypeMismatchException e) {
        return error(HttpStatus.BAD_REQUEST, "Not a valid " + e.getPropertyName() + ": " + e.getValue());
    }

    /** Any exception that carries its HTTP status; others go on to the application's default handling. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> withStatus(Exception e) throws Exception {
        if (e instanceof ResponseStatusException status) {
            return error(status.getStatusCode(), status.getReason());
        }
        if (e instanceof ErrorResponse response) {
            return error(response.getStatusCode(), response.getBody().getDetail());
        }
        ResponseStatus annotated = AnnotatedElementUtils.findMergedAnnotation(e.getClass(), ResponseStatus.class);
        if (annotated != null) {
            return error(annotated.code(), e.getMessage());
        }
        throw e;
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatusCode status, String message) {
        String text = message != null
                ? message
                : status instanceof HttpStatus known ? known.getReasonPhrase() : "Error " + status.value();
        return ResponseEntity.status(status).body(Map.of("error", text));
    }
}
