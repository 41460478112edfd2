"use client";
// Opens the browser's print dialog (the poster page).
export function PrintButton() {
  return (
    <button type="button" className="button" onClick={() => window.print()}>
      Print poster
    </button>
  );
}
