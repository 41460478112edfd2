// The page of one dashboard view, as its route's default export:
// `export default dashboardViewPage("classes", Classes)`. The researcher's session is checked (a
// visitor signs in and comes back), then the study, then the view renders behind its skeleton.
import "server-only";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import type { SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { DashboardGate } from "./dashboard-gate";
import { dashboardPagePath, type DashboardPageProps } from "./load-dashboard";

export type DashboardViewProps = { studyId: string; searchParams: SearchParamsRecord };

export function dashboardViewPage(view: string, View: (props: DashboardViewProps) => Promise<React.ReactNode>) {
  return async function DashboardViewPage({ params, searchParams }: DashboardPageProps) {
    const { id } = await params;
    const sp = await searchParams;
    return (
      <ResearcherPage path={dashboardPagePath(id, view, sp)}>
        <DashboardGate studyId={id}>
          <View studyId={id} searchParams={sp} />
        </DashboardGate>
      </ResearcherPage>
    );
  };
}
