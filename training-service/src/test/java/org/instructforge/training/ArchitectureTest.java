package org.instructforge.training;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The ML core runs and tests without Spring (STYLE.md): it never imports it. */
class ArchitectureTest {

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.instructforge.training");

    @Test
    void theModelCoreDoesNotDependOnSpring() {
        noClasses()
                .that()
                .resideInAPackage("org.instructforge.training.model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "jakarta.persistence..")
                .check(SERVICE);
    }

    @Test
    void corpusTokenizerPretrainingEvaluationAndCommandLineDoNotDependOnSpring() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "org.instructforge.training.corpus..",
                        "org.instructforge.training.tokenizer..",
                        "org.instructforge.training.pretrain..",
                        "org.instructforge.training.evaluation..",
                        "org.instructforge.training.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "jakarta.persistence..")
                .check(SERVICE);
    }
}
