using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>The YAML block at the top of a note. Lists are never null; absent values are null.</summary>
/// <param name="Categories">From <c>categories</c> or <c>category</c>: a list or a single string of "music/synths" style paths.</param>
public sealed record FrontMatter(
    string? Title, IReadOnlyList<string> Tags, IReadOnlyList<string> Aliases, DateTime? Date,
    bool? Publish, bool? Draft, string? Cover, string? Summary, string? Slug, bool? Featured, string? Series, int? Order,
    IReadOnlyList<string> Categories)
{
    /// <summary>No front matter.</summary>
    public static readonly FrontMatter Empty = new(null, [], [], null, null, null, null, null, null, null, null, null, []);
}

/// <summary>Splits a note into its YAML front matter and its Markdown body.</summary>
public static partial class FrontMatterParser
{
    /// <summary>
    /// Reads the block between a leading <c>---</c> line and the next <c>---</c> (or <c>...</c>) line.
    /// A YAML error sets <c>Error</c> and gives <see cref="FrontMatter.Empty"/> with the body after the block; never throws.
    /// A value of the wrong shape (a date that is not a date) is left null rather than failing the whole block.
    /// </summary>
    public static (FrontMatter FrontMatter, string Body, string? Error) Parse(string markdown)
    {
        markdown ??= string.Empty;
        if (markdown.StartsWith('\uFEFF'))
        {
            markdown = markdown[1..];
        }

        if (!TrySplit(markdown, out var yaml, out var body))
        {
            return (FrontMatter.Empty, markdown, null);
        }

        if (string.IsNullOrWhiteSpace(yaml))
        {
            return (FrontMatter.Empty, body, null);
        }

        YamlNode? root;
        try
        {
            if (TooDeep(yaml))
            {
                return (FrontMatter.Empty, body, "Front matter is nested too deeply.");
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException e)
        {
            // +1: the opening "---" line, so the line number matches the note as the author sees it.
            return (FrontMatter.Empty, body, $"Front matter, line {e.Start.Line + 1}: {InnerMessage(e)}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these, not YamlException, on some malformed input (an unclosed "[" at the end).
            return (FrontMatter.Empty, body, "Front matter is not valid YAML.");
        }

        if (root is null || (root is YamlScalarNode scalar && IsNull(scalar)))
        {
            return (FrontMatter.Empty, body, null);
        }

        if (root is not YamlMappingNode map)
        {
            return (FrontMatter.Empty, body, "Front matter must be a list of \"key: value\" lines.");
        }

        var fields = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                fields.TryAdd(name.Trim(), value);
            }
        }

        YamlNode? Field(string name) => fields.GetValueOrDefault(name);

        var frontMatter = new FrontMatter(
            Title: Text(Field("title")),
            Tags: Distinct(List(Field("tags") ?? Field("tag"), TagSeparators).Select(NormalizeTag)),
            Aliases: Distinct(List(Field("aliases") ?? Field("alias"), [',']).Select(a => (string?)a), StringComparer.OrdinalIgnoreCase),
            Date: Date(Field("date")),
            Publish: Bool(Field("publish")),
            Draft: Bool(Field("draft")),
            Cover: Text(Field("cover")),
            Summary: Text(Field("summary")) ?? Text(Field("description")),
            Slug: Text(Field("slug")),
            Featured: Bool(Field("featured")),
            Series: Text(Field("series")),
            Order: Int(Field("order")),
            Categories: Distinct(List(Field("categories") ?? Field("category"), [',']).Select(NormalizeCategory), StringComparer.OrdinalIgnoreCase));
        return (frontMatter, body, null);
    }

    private static readonly char[] TagSeparators = [',', ' ', '\t'];

    /// <summary>A tag as stored: no leading '#', lower-case; null when nothing is left.</summary>
    internal static string? NormalizeTag(string? tag)
    {
        var t = tag?.Trim().TrimStart('#').Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }

        // A list item may hold spaces ("tags: [my tag]"); a tag cannot, so they join the words as Obsidian's UI does.
        return WhitespaceRun().Replace(t, "-").ToLowerInvariant();
    }

    private static string? NormalizeCategory(string? category)
    {
        if (category is null)
        {
            return null;
        }

        var parts = category.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 ? null : string.Join('/', parts);
    }

    /// <summary>
    /// YamlDotNet builds nested nodes recursively, so "[[[[…" thousands deep overflows the stack and ends the process;
    /// its event parser is iterative and tells the depth first.
    /// </summary>
    private static bool TooDeep(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is SequenceStart or MappingStart && ++depth > MaxDepth)
            {
                return true;
            }

            if (parser.Current is SequenceEnd or MappingEnd)
            {
                depth--;
            }
        }

        return false;
    }

    private const int MaxDepth = 32;

    private static bool TrySplit(string markdown, out string yaml, out string body)
    {
        yaml = body = string.Empty;
        var firstEnd = LineEnd(markdown, 0, out var next);
        if (markdown.AsSpan(0, firstEnd).TrimEnd() is not "---")
        {
            return false;
        }

        var start = next;
        for (var pos = next; pos < markdown.Length;)
        {
            var end = LineEnd(markdown, pos, out var after);
            var line = markdown.AsSpan(pos, end - pos).TrimEnd();
            if (line is "---" or "...")
            {
                yaml = markdown[start..pos];
                body = markdown[after..];
                return true;
            }

            pos = after;
        }

        // Obsidian treats an unclosed block as ordinary text, and so do we.
        return false;
    }

    private static int LineEnd(string text, int pos, out int next)
    {
        var nl = text.IndexOf('\n', pos);
        if (nl < 0)
        {
            next = text.Length;
            return text.Length;
        }

        next = nl + 1;
        return nl > pos && text[nl - 1] == '\r' ? nl - 1 : nl;
    }

    private static string InnerMessage(YamlException e)
    {
        // YamlDotNet wraps the useful message in a "While parsing…" exception on some errors.
        var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        return message.Trim();
    }

    private static bool IsNull(YamlScalarNode node) =>
        node.Style is ScalarStyle.Plain or ScalarStyle.Any && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string? Text(YamlNode? node) => node is YamlScalarNode scalar && !IsNull(scalar)
        ? scalar.Value!.Trim() is { Length: > 0 } text ? text : null
        : null;

    private static IEnumerable<string> List(YamlNode? node, char[] separators) => node switch
    {
        YamlSequenceNode sequence => sequence.Children.Select(Text).OfType<string>(),
        YamlScalarNode => Text(node)?.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        _ => [],
    };

    private static string[] Distinct(IEnumerable<string?> values, StringComparer? comparer = null) =>
        values.OfType<string>().Distinct(comparer ?? StringComparer.Ordinal).ToArray();

    private static bool? Bool(YamlNode? node) => Text(node)?.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => null,
    };

    private static int? Int(YamlNode? node) =>
        int.TryParse(Text(node), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>ISO dates only ("2024-03-01", "2024-03-01 18:30", with or without offset); a value without offset is UTC.</summary>
    private static DateTime? Date(YamlNode? node) =>
        Text(node) is { } text && IsoDate().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value.UtcDateTime
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
