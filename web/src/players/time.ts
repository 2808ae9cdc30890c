// Time display for the players: "0:07", "3:20", "1:02:03". Pure, covered by players.test.ts.

/** A position or duration as m:ss (h:mm:ss from an hour on); unknown (NaN, ±Infinity) or negative is 0:00. */
export function formatTime(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** What the seek slider says to assistive technology (aria-valuetext): "1:05 of 3:20", or "1:05" while the length is unknown. */
export function timeText(current: number, duration: number): string {
  return Number.isFinite(duration) && duration > 0 ? `${formatTime(current)} of ${formatTime(duration)}` : formatTime(current);
}
