-- An optional contact address, for the admin's reference only: nothing is ever mailed.
ALTER TABLE app_user ADD COLUMN email VARCHAR(254);
