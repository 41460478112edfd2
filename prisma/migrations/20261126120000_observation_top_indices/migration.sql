-- Only "Observation" reads a prediction's top indices now (its copy is what every report uses), and
-- only for predictions of the capture as stored: the generated column on every Prediction row cost a
-- PL/pgSQL call per insert for variants nobody reads (a phone's display-mode crop, the compression
-- probe's four re-encodings), about 50 µs each on PGlite. The observation trigger and the rebuild
-- compute them from the top list instead, with the same function; the column goes.
CREATE OR REPLACE FUNCTION "parallax_observe_prediction"() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM "Observation" WHERE "predictionId" = OLD."id";
  END IF;
  IF NEW."variant" = 'original' THEN
    INSERT INTO "Observation" ("predictionId", "studyId", "source", "captureId", "sceneSeq", "deviceSeq", "deviceModelSeq",
                               "createdAt", "captureMethod", "backend", "label", "topIndices")
    SELECT NEW."id", NEW."studyId", NEW."source", c."id", s."seq", d."seq", "parallax_device_model_seq"(c."deviceModelKey"),
           c."createdAt", c."captureMethod", NEW."backend", NEW."top1Index", "parallax_top_indices"(NEW."top")
    FROM "Capture" c JOIN "Scene" s ON s."id" = c."sceneId" JOIN "Device" d ON d."id" = c."deviceId"
    WHERE c."id" = NEW."captureId";
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION "parallax_rebuild_observations"(study text) RETURNS void
  LANGUAGE sql
  AS $$
  DELETE FROM "Observation" WHERE "studyId" = study;
  INSERT INTO "DeviceModelKey" ("key")
    SELECT DISTINCT c."deviceModelKey" FROM "Capture" c WHERE c."studyId" = study
  ON CONFLICT ("key") DO NOTHING;
  INSERT INTO "Observation" ("predictionId", "studyId", "source", "captureId", "sceneSeq", "deviceSeq", "deviceModelSeq",
                             "createdAt", "captureMethod", "backend", "label", "topIndices")
  SELECT p."id", p."studyId", p."source", c."id", s."seq", d."seq", k."seq", c."createdAt", c."captureMethod", p."backend", p."top1Index",
         "parallax_top_indices"(p."top")
  FROM "Prediction" p
  JOIN "Capture" c ON c."id" = p."captureId"
  JOIN "Scene" s ON s."id" = c."sceneId"
  JOIN "Device" d ON d."id" = c."deviceId"
  JOIN "DeviceModelKey" k ON k."key" = c."deviceModelKey"
  WHERE p."studyId" = study AND p."variant" = 'original';
$$;

ALTER TABLE "Prediction" DROP COLUMN "topIndices";
