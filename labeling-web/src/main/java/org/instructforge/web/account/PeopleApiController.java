package org.instructforge.web.account;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PeopleApiController {

    private final Accounts accounts;

    PeopleApiController(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/api/admin/people")
    List<Person> people() {
        return accounts.people();
    }
}
