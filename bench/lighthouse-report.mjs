// Summarises Lighthouse JSON reports for bench/lighthouse.sh: node lighthouse-report.mjs RUNS REPORT... --dark REPORT...
// Reports come in groups of RUNS (same page, same form factor). For each group: the run with the median performance
// score, its four category scores and its main metrics, then every audit of that run that did not pass. The reports
// after --dark (accessibility only, dark theme) get a table of their own.
import { readFileSync } from 'node:fs';

const [runs, ...rest] = process.argv.slice(2);
const split = rest.indexOf('--dark');
const files = split < 0 ? rest : rest.slice(0, split);
const darkFiles = split < 0 ? [] : rest.slice(split + 1);
const perGroup = Number(runs);
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const score = (c) => (c?.score == null ? 'n/a' : Math.round(c.score * 100));
const metric = (report, id) => report.audits[id]?.displayValue ?? 'n/a';

const pageOf = (report) => {
  const url = new URL(report.finalDisplayedUrl ?? report.requestedUrl);
  return url.pathname + url.search;
};
const failed = (report, category, form) => report.categories[category].auditRefs
  .map((ref) => [ref, report.audits[ref.id]])
  .filter(([ref, audit]) => audit.score !== null && audit.score < 1
    && ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode)
    && (ref.weight > 0 || audit.scoreDisplayMode === 'binary'))
  .map(([, audit]) => `| \`${pageOf(report)}\` | ${form} | ${report.categories[category].title} | ${audit.id} | ` +
    `${Math.round(audit.score * 100)} | ${(audit.title + (audit.displayValue ? ` (${audit.displayValue})` : '')).replaceAll('|', '\\|')} |`);
const rows = [];
const failing = [];
for (let i = 0; i < files.length; i += perGroup) {
  const group = files.slice(i, i + perGroup).map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const byPerformance = [...group].sort((a, b) => a.categories.performance.score - b.categories.performance.score);
  const median = byPerformance[Math.floor((byPerformance.length - 1) / 2)];
  const page = pageOf(median);
  const form = median.configSettings.formFactor;
  const range = byPerformance.map((r) => score(r.categories.performance));
  rows.push(`| \`${page}\` | ${form} | ${categories.map((c) => score(median.categories[c])).join(' | ')} | ` +
    `${range.length > 1 ? `${range[0]}–${range[range.length - 1]}` : range[0]} | ` +
    `${metric(median, 'first-contentful-paint')} | ${metric(median, 'largest-contentful-paint')} | ` +
    `${metric(median, 'total-blocking-time')} | ${metric(median, 'cumulative-layout-shift')} |`);
  for (const c of categories) {
    failing.push(...failed(median, c, form));
  }
}

console.log('| page | form factor | performance | accessibility | best practices | SEO | performance, all runs | FCP | LCP | TBT | CLS |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
rows.forEach((r) => console.log(r));
console.log();
if (failing.length === 0) {
  console.log('Every scored audit passed in the runs shown.');
} else {
  console.log('Audits that did not pass in the runs shown (score below 100):');
  console.log();
  console.log('| page | form factor | category | audit | score | title |');
  console.log('| --- | --- | --- | --- | ---: | --- |');
  failing.forEach((f) => console.log(f));
}
if (darkFiles.length > 0) {
  const dark = darkFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  console.log();
  console.log('Accessibility with the dark theme (mobile, one run each):');
  console.log();
  console.log('| page | accessibility |');
  console.log('| --- | ---: |');
  dark.forEach((r) => console.log(`| \`${pageOf(r)}\` | ${score(r.categories.accessibility)} |`));
  const darkFailing = dark.flatMap((r) => failed(r, 'accessibility', 'mobile, dark'));
  console.log();
  if (darkFailing.length === 0) {
    console.log('Every accessibility audit passed with the dark theme.');
  } else {
    console.log('| page | form factor | category | audit | score | title |');
    console.log('| --- | --- | --- | --- | ---: | --- |');
    darkFailing.forEach((f) => console.log(f));
  }
}
