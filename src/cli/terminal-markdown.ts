/**
 * Light markdown rendering for a colour terminal (`ngxlint explain`): headings bold, fenced code blocks
 * indented without their fences, inline code in cyan, `**bold**`, links as `text (url)`, HTML comments
 * dropped. Everything else (lists, tables, paragraphs) is printed as written.
 */
import picocolors from 'picocolors';

type Colors = ReturnType<typeof picocolors.createColors>;

const CODE_INDENT = '    ';

/** A paragraph's inline markup; code spans may run over line ends, as in markdown. */
function inline(text: string, c: Colors): string {
  // Links first (their text may hold a code span); code spans are matched too, so as to be left alone.
  const linked = text.replace(/(`+)[^`]*?\1|\[([^\]]+)\]\(([^)\s]+)\)/g, (match, ticks: string | undefined, label: string, url: string) =>
    ticks !== undefined ? match : label === url ? url : `${label} (${url})`,
  );
  return linked
    .split(/(`+)([^`]*?)\1/)
    .map((part, i) => {
      // split() with two groups yields [text, ticks, code, text, ticks, code, ...].
      if (i % 3 === 1) return '';
      if (i % 3 === 2) return part.split('\n').map((line) => c.cyan(line)).join('\n');
      return part
        .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
        .replace(/\*\*([^*]+)\*\*/g, (_m, bold: string) => c.bold(bold));
    })
    .join('');
}

/** The markdown rendered for a terminal with colour. */
export function renderMarkdown(markdown: string): string {
  const c = picocolors.createColors(true);
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) out.push(inline(paragraph.join('\n'), c));
    paragraph = [];
  };
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^\s*(```+|~~~+)/.exec(line);
    if (fence !== undefined) {
      if (fenceMatch !== null && fenceMatch[1]?.startsWith(fence)) fence = undefined;
      else out.push(line === '' ? '' : CODE_INDENT + line);
      continue;
    }
    if (fenceMatch !== null) {
      flush();
      fence = fenceMatch[1];
      continue;
    }
    if (/^\s*<!--.*-->\s*$/.test(line)) {
      flush();
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading !== null) {
      flush();
      const text = inline(heading[2] ?? '', c);
      out.push(heading[1] === '#' ? c.bold(c.underline(text)) : c.bold(text));
      continue;
    }
    if (line.trim() === '') {
      flush();
      out.push(line);
      continue;
    }
    paragraph.push(line);
  }
  flush();
  // Dropped comment lines can leave two blank lines in a row.
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
