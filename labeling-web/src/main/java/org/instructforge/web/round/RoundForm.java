package org.instructforge.web.round;

/**
 * What every new label round asks for: a name (unique, so a form sent twice starts one round), the dataset and
 * split its prompts come from, and how many.
 */
public interface RoundForm {

    String name();

    Long datasetId();

    String split();

    Integer promptCount();
}
