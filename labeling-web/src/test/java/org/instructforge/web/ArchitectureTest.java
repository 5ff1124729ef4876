package org.instructforge.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.data.repository.Repository;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/** The web app stays package-by-feature, with each feature's insides private to it (STYLE.md). */
class ArchitectureTest {

    private static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.instructforge.web");

    @Test
    void repositoriesAreNotPublic() {
        classes()
                .that()
                .areAssignableTo(Repository.class)
                .should()
                .notBePublic()
                .check(APP);
    }

    @Test
    void controllersAreNotPublic() {
        classes()
                .that()
                .areAnnotatedWith(Controller.class)
                .or()
                .areAnnotatedWith(RestController.class)
                .should()
                .notBePublic()
                .check(APP);
    }

    @Test
    void entitiesAreNotPublic() {
        classes()
                .that()
                .areAnnotatedWith(jakarta.persistence.Entity.class)
                .should()
                .notBePublic()
                .check(APP);
    }

    @Test
    void thereAreNoLayerPackages() {
        noClasses()
                .should()
                .resideInAnyPackage("..domain..", "..repository..", "..service..", "..web.controller..", "..dto..")
                .check(APP);
    }

    @Test
    void featurePackagesAreFreeOfCycles() {
        slices().matching("org.instructforge.web.(*)..")
                .should()
                .beFreeOfCycles()
                .check(APP);
    }
}
