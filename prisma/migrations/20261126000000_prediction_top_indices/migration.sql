-- The class indices of a prediction's stored top list, best first, as an integer array kept by the
-- database itself (a stored generated column): instability reports read every vote's top-k, and
-- taking k entries out of the jsonb "top" of a million predictions costs seconds per report. An
-- entry without an integer "index" reads as NULL, as `(top -> i ->> 'index')::int` would, except
-- that a malformed entry can never make an insert fail.
CREATE FUNCTION "parallax_top_indices"(top jsonb) RETURNS integer[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT COALESCE(array_agg(
             CASE WHEN jsonb_typeof(e -> 'index') = 'number' AND (e ->> 'index') ~ '^-?[0-9]{1,9}$' THEN (e ->> 'index')::int END
             ORDER BY n), '{}')
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(top) = 'array' THEN top ELSE '[]'::jsonb END) WITH ORDINALITY AS t(e, n)
  $$;

ALTER TABLE "Prediction" ADD COLUMN "topIndices" integer[] GENERATED ALWAYS AS ("parallax_top_indices"(top)) STORED;
