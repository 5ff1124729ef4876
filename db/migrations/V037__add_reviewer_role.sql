-- Reviewers check submitted labels (the second pass of Label Studio and Open-Assistant). An account may hold
-- REVIEWER beside its other roles.
ALTER TABLE app_user_role DROP CONSTRAINT app_user_role_role_check;
ALTER TABLE app_user_role ADD CONSTRAINT app_user_role_role_check
    CHECK (role IN ('LABELER', 'ADMIN', 'ML_ENGINEER', 'REVIEWER'));
