// Summarises Lighthouse JSON reports for bench/lighthouse.sh: node lighthouse-report.mjs RUNS REPORT...
// Reports come in groups of RUNS (same page, same form factor). For each group: the run with the median performance
// score, its four category scores and its main metrics, then every audit of that run that did not pass.
import { readFileSync } from 'node:fs';

const [runs, ...files] = process.argv.slice(2);
const perGroup = Number(runs);
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const score = (c) => (c?.score == null ? 'n/a' : Math.round(c.score * 100));
const metric = (report, id) => report.audits[id]?.displayValue ?? 'n/a';

const rows = [];
const failing = [];
for (let i = 0; i < files.length; i += perGroup) {
  const group = files.slice(i, i + perGroup).map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const byPerformance = [...group].sort((a, b) => a.categories.performance.score - b.categories.performance.score);
  const median = byPerformance[Math.floor((byPerformance.length - 1) / 2)];
  const url = new URL(median.finalDisplayedUrl ?? median.requestedUrl);
  const page = url.pathname + url.search;
  const form = median.configSettings.formFactor;
  const range = byPerformance.map((r) => score(r.categories.performance));
  rows.push(`| \`${page}\` | ${form} | ${categories.map((c) => score(median.categories[c])).join(' | ')} | ` +
    `${range.length > 1 ? `${range[0]}–${range[range.length - 1]}` : range[0]} | ` +
    `${metric(median, 'first-contentful-paint')} | ${metric(median, 'largest-contentful-paint')} | ` +
    `${metric(median, 'total-blocking-time')} | ${metric(median, 'cumulative-layout-shift')} |`);
  for (const c of categories) {
    for (const ref of median.categories[c].auditRefs) {
      const audit = median.audits[ref.id];
      if (audit.score !== null && audit.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode)
        && (ref.weight > 0 || audit.scoreDisplayMode === 'binary')) {
        failing.push(`| \`${page}\` | ${form} | ${median.categories[c].title} | ${audit.id} | ${Math.round(audit.score * 100)} | ` +
          `${(audit.title + (audit.displayValue ? ` (${audit.displayValue})` : '')).replaceAll('|', '\\|')} |`);
      }
    }
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
