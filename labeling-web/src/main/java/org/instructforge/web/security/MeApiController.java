package org.instructforge.web.security;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who the API caller is, and with which roles: the first thing a script checks. */
@RestController
class MeApiController {

    @GetMapping("/api/me")
    CurrentUser me(Authentication authentication) {
        return CurrentUser.of(authentication);
    }
}
