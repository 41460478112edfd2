// Answers a chart-data request as JSON (checked against its documented schema) or, with
// ?format=csv, as a CSV download of the same numbers.
import type { z } from "zod";
import { jsonResponse } from "@/lib/api/json-response";
import { formatCsv } from "./format-csv";
import type { ChartData } from "./get-study-charts";

export function respondWithChart<S extends z.ZodType>(schema: S, chart: ChartData<S>, format: "json" | "csv", filename: string): Response {
  if (format === "json") return jsonResponse(schema, chart.body);
  return new Response(formatCsv(chart.csv), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}.csv"`, "Cache-Control": "no-store" },
  });
}
