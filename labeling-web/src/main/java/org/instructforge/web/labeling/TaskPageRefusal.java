package org.instructforge.web.labeling;

import org.springframework.http.HttpStatus;
import org.springframework.validation.BindingResult;
import org.springframework.web.server.ResponseStatusException;

/**
 * What a labeling task page (demonstration, ranking, comparison and their revise pages) does with a refusal of its
 * service that needs the database to find: a lost lease, a label a run has read or a reviewer has decided on (409),
 * a text over the length setting (413). The page shows it again with everything as entered.
 */
public final class TaskPageRefusal {

    private TaskPageRefusal() {}

    /**
     * Records the refusal as an error of the page's whole form and returns its status, for the page's answer.
     * Another labeler's task (404) and anything but a 4xx are not the page's to show: rethrown.
     */
    public static int reject(ResponseStatusException refusal, BindingResult errors) {
        if (!refusal.getStatusCode().is4xxClientError()
                || refusal.getStatusCode().value() == HttpStatus.NOT_FOUND.value()) {
            throw refusal;
        }
        errors.reject("task.refused", refusal.getReason());
        return refusal.getStatusCode().value();
    }
}
