package org.instructforge.web.round;

import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * A publish, round or evaluation request with something wrong, per form field ({@code sampling.temperature} for a
 * sampling setting): forms show each message beside its field, the API answers 400 with all of them.
 */
@ResponseStatus(HttpStatus.BAD_REQUEST)
public class InvalidRoundException extends RuntimeException {

    private final Map<String, String> errors;

    public InvalidRoundException(Map<String, String> errors) {
        super(errors.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("; ")));
        this.errors = Map.copyOf(errors);
    }

    public Map<String, String> errors() {
        return errors;
    }

    /** The API's answer: the joined message as detail and the per-field messages as {@code errors}. */
    public ProblemDetail problem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, getMessage());
        problem.setTitle("Invalid request");
        problem.setProperty("errors", errors);
        return problem;
    }
}
