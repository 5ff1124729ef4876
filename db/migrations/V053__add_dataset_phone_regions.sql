-- The regions a dataset's prompts come from (web/pii/PhoneRegions): phone numbers written without a country code
-- ("0151 23456789", "07700 900123") are read in each. Stored as the app prints the list: upper-case ISO 3166-1
-- alpha-2 codes joined by commas. Existing datasets get the default list, which covers the US, the UK, Germany,
-- France, India, Brazil and Japan.
ALTER TABLE prompt_dataset ADD COLUMN phone_regions VARCHAR(400) NOT NULL DEFAULT 'US,GB,DE,FR,IN,BR,JP'
    CHECK (phone_regions ~ '^[A-Z]{2}(,[A-Z]{2})*$');
