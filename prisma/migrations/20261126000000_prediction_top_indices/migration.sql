-- The class indices of a prediction's stored top list, best first, as an integer array kept by the
-- database itself (a stored generated column): instability reports read every vote's top-k, and
-- taking k entries out of the jsonb "top" of a million predictions costs seconds per report. An
-- entry without an integer "index" reads as NULL, as `(top -> i ->> 'index')::int` would, except
-- that a malformed entry can never make an insert fail. PL/pgSQL with simple expressions only: its
-- expressions are planned once per connection, where a SQL-language function with a subquery is
-- planned again on every insert (~130 µs against ~50 µs per insert on PGlite).
CREATE FUNCTION "parallax_top_indices"(top jsonb) RETURNS integer[]
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
DECLARE
  result integer[] := '{}';
  entry jsonb;
BEGIN
  IF jsonb_typeof(top) <> 'array' THEN
    RETURN result;
  END IF;
  FOR i IN 0 .. jsonb_array_length(top) - 1 LOOP
    entry := top -> i;
    result := result || CASE WHEN jsonb_typeof(entry -> 'index') = 'number' AND (entry ->> 'index') ~ '^-?[0-9]{1,9}$' THEN (entry ->> 'index')::int END;
  END LOOP;
  RETURN result;
END
$$;

ALTER TABLE "Prediction" ADD COLUMN "topIndices" integer[] GENERATED ALWAYS AS ("parallax_top_indices"(top)) STORED;
