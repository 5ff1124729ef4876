package org.instructforge.web.account;

import java.util.List;
import java.util.Optional;
import org.instructforge.shared.Role;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface AppUserRepository extends JpaRepository<AppUser, Long> {

    Optional<AppUser> findByUsername(String username);

    boolean existsByUsername(String username);

    @Query("select count(u) > 0 from AppUser u join u.roles r where r = :role and u.enabled = true")
    boolean existsEnabledWithRole(Role role);

    List<AppUser> findAllByOrderByUsernameAsc();
}
