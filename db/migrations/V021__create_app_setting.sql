-- Installation-wide values the app generates once, such as the key that pseudonymises labeler ids in
-- exports (stable across exports, so one labeler keeps one pseudonym).
CREATE TABLE app_setting (
    name       VARCHAR(64) PRIMARY KEY,
    value      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
