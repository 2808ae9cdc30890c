using System.Text;
using System.Text.RegularExpressions;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>
/// Removes Obsidian <c>%%comments%%</c> before Markdown parsing: a comment may span paragraphs, which no inline
/// or block parser sees whole. Fenced code and inline code spans are copied untouched.
/// </summary>
internal static partial class Comments
{
    public static string Strip(string text)
    {
        if (!text.Contains("%%", StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var fence = (Char: '\0', Length: 0);
        var pos = 0;
        while (pos < text.Length)
        {
            if (pos == 0 || text[pos - 1] == '\n')
            {
                var lineEnd = text.IndexOf('\n', pos);
                var next = lineEnd < 0 ? text.Length : lineEnd + 1;
                var line = text.AsSpan(pos, next - pos);
                if (fence.Length > 0)
                {
                    if (FenceOf(line) is { } close && close.Char == fence.Char && close.Length >= fence.Length && close.IsBare)
                    {
                        fence = default;
                    }

                    sb.Append(line);
                    pos = next;
                    continue;
                }

                if (FenceOf(line) is { } open)
                {
                    fence = (open.Char, open.Length);
                    sb.Append(line);
                    pos = next;
                    continue;
                }
            }

            var c = text[pos];
            if (c == '`')
            {
                pos = CopyCodeSpan(text, pos, sb);
            }
            else if (c == '%' && pos + 1 < text.Length && text[pos + 1] == '%')
            {
                var close = text.IndexOf("%%", pos + 2, StringComparison.Ordinal);
                // Unclosed: Obsidian hides everything after it, and a private note must not leak onto the site.
                pos = close < 0 ? text.Length : close + 2;
            }
            else
            {
                sb.Append(c);
                pos++;
            }
        }

        return sb.ToString();
    }

    private static int CopyCodeSpan(string text, int pos, StringBuilder sb)
    {
        var run = 1;
        while (pos + run < text.Length && text[pos + run] == '`')
        {
            run++;
        }

        var lineEnd = text.IndexOf('\n', pos);
        var limit = lineEnd < 0 ? text.Length : lineEnd;
        for (var i = pos + run; i < limit; i++)
        {
            if (text[i] != '`')
            {
                continue;
            }

            var closeRun = 1;
            while (i + closeRun < limit && text[i + closeRun] == '`')
            {
                closeRun++;
            }

            if (closeRun == run)
            {
                sb.Append(text, pos, i + run - pos);
                return i + run;
            }

            i += closeRun - 1;
        }

        sb.Append(text, pos, run);
        return pos + run;
    }

    private static (char Char, int Length, bool IsBare)? FenceOf(ReadOnlySpan<char> line)
    {
        // Quote markers and a list marker may come before a fence; a fence nested that way is still code.
        var m = FenceLine().Match(line.ToString());
        if (!m.Success)
        {
            return null;
        }

        var marker = m.Groups["fence"].Value;
        var info = m.Groups["info"].Value;
        if (marker[0] == '`' && info.Contains('`', StringComparison.Ordinal))
        {
            return null;
        }

        return (marker[0], marker.Length, string.IsNullOrWhiteSpace(info));
    }

    [GeneratedRegex(@"^(?:[ \t]*>)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?(?<fence>`{3,}|~{3,})(?<info>[^\n]*)")]
    private static partial Regex FenceLine();
}
