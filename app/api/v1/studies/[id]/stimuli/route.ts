// POST: import a stimulus set (a ZIP of images, optional labels.csv with file,label) into a study:
// each image becomes a scene with its stimulus. All or nothing (lib/studies/import-stimuli.ts).
import { jsonResponse } from "@/lib/api/json-response";
import { withErrorResponses } from "@/lib/api/error-response";
import { requireResearcher } from "@/lib/auth/require-researcher";
import { getPrisma } from "@/lib/db/database";
import { stimulusImportResultSchema } from "@/lib/display/display-schemas";
import { importStimuli } from "@/lib/studies/import-stimuli";
import { readStimulusUpload } from "@/lib/studies/read-stimulus-upload";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const POST = withErrorResponses(async (request: Request, context: Context) => {
  await requireResearcher(request);
  const { id } = await context.params;
  const zip = await readStimulusUpload(request);
  const result = await importStimuli(await getPrisma(), getBlobStore(), id, zip);
  return jsonResponse(
    stimulusImportResultSchema,
    { created: result.created, updated: result.updated, scenes: result.scenes.map((scene) => ({ id: scene.id, key: scene.key, label: scene.label, labelIndex: scene.labelIndex })) },
    { status: result.created > 0 ? 201 : 200 },
  );
});
