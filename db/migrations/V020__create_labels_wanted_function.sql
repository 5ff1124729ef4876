-- Overlap: a deterministic share (overlap_share) of items gets labels_per_item independent labels, the rest
-- one. Which items overlap follows from a hash of the item id, so it is stable and needs no stored column.
CREATE FUNCTION labels_wanted(item_id BIGINT, labels_per_item INT, overlap_share NUMERIC) RETURNS INT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT CASE
           WHEN ('x' || substr(md5(item_id::text), 1, 8))::bit(32)::bigint / 4294967296.0 < overlap_share
               THEN labels_per_item
           ELSE 1
       END
$$;
