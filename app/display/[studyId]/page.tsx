// /display/STUDY: the monitor of a controlled session (researchers only). Full screen, black, the
// study's stimuli one by one framed by the QR codes of the display layout (lib/display/layout.ts).
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DisplayScreen } from "./display-screen";
import { AppError } from "@/lib/api/app-error";
import { requireResearcherPage } from "@/lib/auth/current-researcher";
import { getPrisma } from "@/lib/db/database";
import { getDisplayState } from "@/lib/display/display-state";

export const metadata: Metadata = { title: "Display" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ studyId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function DisplayPage({ params, searchParams }: Props) {
  const { studyId } = await params;
  const researcher = await requireResearcherPage(`/display/${encodeURIComponent(studyId)}`);
  let state;
  try {
    state = await getDisplayState(await getPrisma(), studyId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const query = await searchParams;
  const interval = Number(typeof query.interval === "string" ? query.interval : "");
  return <DisplayScreen initialState={state} csrfToken={researcher.csrfToken} timerSeconds={Number.isFinite(interval) && interval >= 1 && interval <= 3600 ? interval : 10} />;
}
