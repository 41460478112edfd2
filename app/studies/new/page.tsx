// "New study": name, description, model (with its preprocessing), consent text (a good default),
// what volunteers may do, and whether it opens for joining at once.
import type { Metadata } from "next";
import Link from "next/link";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { NewStudyForm, type ModelChoice } from "@/components/workspace/new-study-form";
import { getPrisma } from "@/lib/db/database";
import { describePreprocessing } from "@/lib/models/describe-preprocessing";
import { listModels } from "@/lib/models/register-model";
import { DEFAULT_CONSENT_TEXT } from "@/lib/studies/default-consent-text";
import { DEFAULT_STUDY_SETTINGS } from "@/lib/studies/study-settings";

export const metadata: Metadata = { title: "New study" };
export const dynamic = "force-dynamic";

export default async function NewStudyPage() {
  return (
    <ResearcherPage path="/studies/new">
      <NewStudy />
    </ResearcherPage>
  );
}

async function NewStudy() {
  const models = await listModels(await getPrisma());
  // The default model of a study: the oldest built-in one, else the oldest (resolveStudyModel); listModels sorts built-ins first, oldest first.
  const choices: ModelChoice[] = models.map((model) => ({
    id: model.id,
    name: model.name,
    isBuiltin: model.isBuiltin,
    classes: model.numClasses,
    input: `${model.inputWidth}×${model.inputHeight}`,
    preprocessing: describePreprocessing(model.preprocessing),
  }));
  return (
    <>
      <h1>New study</h1>
      {choices.length === 0 ? (
        <p className="notice error">
          No model is registered yet. <Link href="/models">Add one on the models page</Link> first.
        </p>
      ) : (
        <NewStudyForm models={choices} defaultConsentText={DEFAULT_CONSENT_TEXT} defaultSettings={DEFAULT_STUDY_SETTINGS} />
      )}
    </>
  );
}
