// A progress bar for long command-line runs: redrawn in place on a terminal, plain lines (every
// 10 %) when the output is a file or a pipe, so CI logs stay readable.

export type ProgressStream = { write(text: string): unknown; isTTY?: boolean; columns?: number };

export type ProgressBar = {
  /** Count `n` more items done; `detail` is shown after the counts. */
  tick(n?: number, detail?: string): void;
  /** Print a message without breaking the bar. */
  log(message: string): void;
  finish(summary?: string): void;
};

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
}

export function createProgressBar(options: { total: number; label: string; unit?: string; stream?: ProgressStream; now?: () => number }): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const isTTY = Boolean(stream.isTTY);
  const unit = options.unit ?? "items";
  const total = Math.max(0, options.total);
  const started = now();
  let done = 0;
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let lastDetail = "";
  let drawn = false;

  const describe = () => {
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    return { percent, text: `${done}/${total} ${unit} · ${rate.toFixed(1)}/s · ${done >= total ? `${formatDuration(elapsed)} total` : `eta ${formatDuration(eta)}`}` };
  };

  const draw = (force: boolean) => {
    const { percent, text } = describe();
    if (isTTY) {
      if (!force && now() - lastDraw < 100) return;
      lastDraw = now();
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const line = `${options.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(percent).padStart(3)}% ${text}${lastDetail ? ` · ${lastDetail}` : ""}`;
      const columns = stream.columns ?? 120;
      stream.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length))}\x1b[K`);
      drawn = true;
    } else {
      const decile = Math.floor(percent / 10);
      if (!force && decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${options.label}: ${percent}% ${text}\n`);
    }
  };

  return {
    tick(n = 1, detail) {
      done = Math.min(total, done + n);
      if (detail !== undefined) lastDetail = detail;
      draw(false);
    },
    log(message) {
      if (isTTY && drawn) stream.write("\r\x1b[K");
      stream.write(`${message}\n`);
      if (isTTY && drawn) draw(true);
    },
    finish(summary) {
      if (isTTY) {
        draw(true);
        stream.write("\n");
      } else if (lastDecile !== 10) {
        draw(true);
      }
      if (summary) stream.write(`${summary}\n`);
    },
  };
}
