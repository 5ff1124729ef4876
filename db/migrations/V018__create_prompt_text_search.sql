-- Full-text search over prompts for the admin's browser. 'simple' keeps every word (no stemming, no
-- stop words): prompts are in many languages and admins search for exact terms.
CREATE INDEX prompt_text_search_idx ON prompt USING gin (to_tsvector('simple', text));
