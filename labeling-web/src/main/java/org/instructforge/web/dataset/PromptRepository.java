package org.instructforge.web.dataset;

import org.springframework.data.jpa.repository.JpaRepository;

interface PromptRepository extends JpaRepository<Prompt, Long> {}
