using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Atelier.Platform.Html;

/// <summary>
/// Allow-list HTML sanitizer for user content (rendered notes, comments). The input is parsed the way a browser
/// parses it (AngleSharp) and the tree is written back out keeping only allowed elements, attributes and URLs,
/// so what reaches the page is exactly what was checked. The tree is read, never modified: AngleSharp's sibling
/// navigation and removal are linear in the number of siblings, which made mutating passes quadratic.
/// </summary>
public static partial class HtmlSanitizer
{
    /// <summary>Beyond this many open elements the input is treated as an attack (see <see cref="IsTooDeep"/>).</summary>
    internal const int MaxNesting = 256;

    /// <summary>Returns <paramref name="html"/> with only allowed elements, attributes and URLs left.</summary>
    public static string Sanitize(string html) => Sanitize(html, null).Html;

    /// <summary>
    /// Sanitizes and also returns the visible text (whitespace collapsed, block boundaries as spaces);
    /// <paramref name="excludeFromText"/> picks allowed elements whose text is not part of it (footnote numbers).
    /// </summary>
    internal static (string Html, string Text) Sanitize(string html, Func<IElement, bool>? excludeFromText)
    {
        html ??= string.Empty;
        if (IsTooDeep(html))
        {
            // The HTML parser is quadratic in the depth of unclosed elements; such input is not an article.
            var text = StripTags(html);
            return (EscapeText(text), Collapse(text));
        }

        // Parsed as a browser with scripts on parses it (<noscript> content is text), so we check what it will see.
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = true, SkipComments = true, MaximumDepth = MaxNesting * 2 });
        var document = parser.ParseDocument(string.Empty);
        var nodes = parser.ParseFragment(html, document.Body!);
        var writer = new Writer(excludeFromText);
        for (var i = 0; i < nodes.Length; i++)
        {
            writer.Write(nodes[i]);
        }

        return (writer.Html.ToString(), Collapse(writer.Text.ToString()));
    }

    private static readonly HashSet<string> AllowedElements = new(StringComparer.Ordinal)
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark",
        "sub", "sup", "small", "code", "pre", "kbd", "samp", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table",
        "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "img", "figure", "figcaption", "audio",
        "video", "source", "details", "summary", "div", "span", "section", "abbr", "cite", "q", "time", "input",
        // The media players' custom elements (web/src/players); they read data-* attributes only.
        "atelier-audio", "atelier-video", "atelier-model", "atelier-gallery",
    };

    /// <summary>data-* attributes the players load as URLs (a waveform, cover art, a model, a full-size picture): checked like src.</summary>
    private static readonly HashSet<string> UrlDataAttributes = new(StringComparer.Ordinal)
    {
        "data-src", "data-waveform", "data-cover", "data-poster", "data-full",
    };

    /// <summary>
    /// The src of an iframe that is exactly a studio patch embed (class <c>embed-patch</c>, a same-site
    /// <c>/embed/patch/{slug}</c> path of URL-safe characters), or null: every other iframe goes with its content.
    /// </summary>
    private static string? PatchEmbedSource(IElement element) =>
        element.GetAttribute("class") == "embed-patch" && element.GetAttribute("src") is { } src && PatchEmbedPath().IsMatch(src) ? src : null;

    [GeneratedRegex("^/embed/patch/[A-Za-z0-9%._~-]{1,400}$")]
    private static partial Regex PatchEmbedPath();

    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    };

    /// <summary>
    /// Removed together with their content: code, styles, and elements whose content is raw text or foreign markup
    /// (SVG, MathML), where keeping the text would let the browser read it differently from us.
    /// </summary>
    private static readonly HashSet<string> DroppedWithContent = new(StringComparer.Ordinal)
    {
        "script", "style", "template", "noscript", "svg", "math", "iframe", "frame", "frameset", "object", "embed", "applet",
        "noembed", "noframes", "xmp", "plaintext", "textarea", "select", "title", "head", "meta", "link", "base", "param",
    };

    /// <summary>Elements whose edges separate words in the plain text even without whitespace in the markup.</summary>
    private static readonly HashSet<string> TextBreaking = new(StringComparer.Ordinal)
    {
        "p", "div", "section", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
        "tr", "th", "td", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "details", "summary", "figure", "figcaption",
    };

    private static readonly HashSet<string> GlobalAttributes = new(StringComparer.Ordinal) { "id", "class", "title", "lang", "dir" };

    private static readonly HashSet<string> BooleanAttributes = new(StringComparer.Ordinal) { "controls", "open", "checked", "disabled", "playsinline" };

    private static readonly Dictionary<string, HashSet<string>> ElementAttributes = new(StringComparer.Ordinal)
    {
        ["a"] = ["href", "rel"],
        ["img"] = ["src", "alt", "width", "height", "loading"],
        ["audio"] = ["src", "controls", "preload", "poster", "width", "height"],
        ["video"] = ["src", "controls", "preload", "poster", "width", "height", "playsinline"],
        ["source"] = ["src", "type"],
        ["td"] = ["colspan", "rowspan", "align", "style"],
        ["th"] = ["colspan", "rowspan", "align", "style"],
        ["ol"] = ["start"],
        ["details"] = ["open"],
        ["time"] = ["datetime"],
    };

    /// <summary>Writes the allowed part of a parsed tree as HTML, and its text.</summary>
    private sealed class Writer(Func<IElement, bool>? excludeFromText)
    {
        private readonly List<(string Name, string Value)> _attributes = [];
        private int _textExcluded;

        public StringBuilder Html { get; } = new();
        public StringBuilder Text { get; } = new();

        // Recursion is bounded: the parser nests at most MaximumDepth elements.
        public void Write(INode node)
        {
            switch (node)
            {
                case IText text:
                    AppendEscaped(Html, text.Data, attribute: false);
                    if (_textExcluded == 0)
                    {
                        Text.Append(text.Data);
                    }

                    break;
                case IElement element when element.NamespaceUri == NamespaceNames.HtmlUri && element.LocalName == "iframe" && PatchEmbedSource(element) is { } src:
                    WritePatchEmbed(element, src);
                    break;
                case IElement element when element.NamespaceUri != NamespaceNames.HtmlUri || DroppedWithContent.Contains(element.LocalName):
                    break;
                case IElement element when !AllowedElements.Contains(element.LocalName):
                    // Unwrapped: the children stay, each checked in turn.
                    WriteChildren(element);
                    break;
                case IElement element:
                    WriteElement(element);
                    break;
            }

            // Comments, processing instructions and doctypes are dropped by falling through.
        }

        /// <summary>The one iframe user content may hold: the studio's embed player, rebuilt with fixed attributes.</summary>
        private void WritePatchEmbed(IElement element, string src)
        {
            Html.Append("<iframe class=\"embed-patch\" src=\"").Append(src).Append("\" loading=\"lazy\" title=\"");
            AppendEscaped(Html, element.GetAttribute("title") ?? "Studio patch", attribute: true);
            Html.Append("\" allow=\"autoplay; midi\"></iframe>");
        }

        private void WriteChildren(IElement element)
        {
            var children = element.ChildNodes;
            for (var i = 0; i < children.Length; i++)
            {
                Write(children[i]);
            }
        }

        private void WriteElement(IElement element)
        {
            var name = element.LocalName;
            if (!CollectAttributes(element))
            {
                return;
            }

            Html.Append('<').Append(name);
            foreach (var (attribute, value) in _attributes)
            {
                Html.Append(' ').Append(attribute);
                if (value.Length > 0 || !(BooleanAttributes.Contains(attribute) || attribute.StartsWith("data-", StringComparison.Ordinal)))
                {
                    Html.Append("=\"");
                    AppendEscaped(Html, value, attribute: true);
                    Html.Append('"');
                }
            }

            Html.Append('>');
            if (VoidElements.Contains(name))
            {
                if (name == "br")
                {
                    Text.Append(' ');
                }

                return;
            }

            // The parser drops a newline right after <pre>; one that was meant as content needs a second one.
            if (name == "pre" && element.FirstChild is IText { Data: ['\n', ..] })
            {
                Html.Append('\n');
            }

            var breaks = TextBreaking.Contains(name);
            var excluded = excludeFromText?.Invoke(element) == true;
            if (breaks)
            {
                Text.Append(' ');
            }

            if (excluded)
            {
                _textExcluded++;
            }

            WriteChildren(element);
            if (excluded)
            {
                _textExcluded--;
            }

            if (breaks)
            {
                Text.Append(' ');
            }

            Html.Append("</").Append(name).Append('>');
        }

        /// <summary>Fills <see cref="_attributes"/> with what may stay; false when the element itself has to go.</summary>
        private bool CollectAttributes(IElement element)
        {
            _attributes.Clear();
            var name = element.LocalName;
            if (name == "input")
            {
                return CollectCheckbox(element);
            }

            var attributes = element.Attributes;
            for (var i = 0; i < attributes.Length; i++)
            {
                var attribute = attributes[i]!;
                if (KeptValue(name, attribute) is { } value)
                {
                    _attributes.Add((attribute.LocalName, value));
                }
            }

            if (name == "a")
            {
                AddNoopener();
            }

            return true;
        }

        /// <summary>Only read-only checkboxes (task lists) survive, and only their state.</summary>
        private bool CollectCheckbox(IElement element)
        {
            if (!string.Equals(element.GetAttribute("type")?.Trim(), "checkbox", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            _attributes.Add(("type", "checkbox"));
            _attributes.Add(("disabled", string.Empty));
            if (element.HasAttribute("checked"))
            {
                _attributes.Add(("checked", string.Empty));
            }

            return true;
        }

        /// <summary>A link leaving the site must not get a handle on this window (window.opener).</summary>
        private void AddNoopener()
        {
            var href = _attributes.FindIndex(a => a.Name == "href");
            if (href < 0 || !IsExternal(_attributes[href].Value))
            {
                return;
            }

            var rel = _attributes.FindIndex(a => a.Name == "rel");
            var tokens = rel < 0 ? [] : _attributes[rel].Value.ToLowerInvariant()
                .Split([' ', '\t', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries).ToList();
            if (!tokens.Contains("noopener"))
            {
                tokens.Add("noopener");
            }

            var value = string.Join(' ', tokens.Distinct());
            if (rel < 0)
            {
                _attributes.Add(("rel", value));
            }
            else
            {
                _attributes[rel] = ("rel", value);
            }
        }
    }

    /// <summary>The value to keep (possibly normalised), or null to drop the attribute.</summary>
    private static string? KeptValue(string element, IAttr attribute)
    {
        if (attribute.NamespaceUri is not null)
        {
            return null;
        }

        var name = attribute.LocalName;
        var value = attribute.Value;
        if (GlobalAttributes.Contains(name))
        {
            return name == "dir" ? OneOf(value, "ltr", "rtl", "auto") : value;
        }

        if (DataAttribute().IsMatch(name))
        {
            return !UrlDataAttributes.Contains(name) || IsSafeUrl(value) ? value : null;
        }

        if (!ElementAttributes.TryGetValue(element, out var allowed) || !allowed.Contains(name))
        {
            // Event handlers (on*), style, srcset, formaction, xlink:href… none is on a list.
            return null;
        }

        if (BooleanAttributes.Contains(name))
        {
            return string.Empty;
        }

        return name switch
        {
            "href" or "src" or "poster" => IsSafeUrl(value) ? value : null,
            "width" or "height" or "colspan" or "rowspan" => Digits().IsMatch(value) ? value : null,
            "start" => Integer().IsMatch(value) ? value : null,
            "loading" => OneOf(value, "lazy", "eager"),
            "preload" => OneOf(value, "none", "metadata", "auto"),
            "align" => OneOf(value, "left", "center", "right", "justify"),
            "style" => TextAlign().Match(value) is { Success: true } m ? $"text-align: {m.Groups[1].Value.ToLowerInvariant()}" : null,
            _ => value,
        };
    }

    private static string? OneOf(string value, params ReadOnlySpan<string> options)
    {
        var v = value.Trim().ToLowerInvariant();
        foreach (var option in options)
        {
            if (v == option)
            {
                return option;
            }
        }

        return null;
    }

    private static bool IsExternal(string url)
    {
        var u = NormalizeUrl(url);
        return u.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
            || u.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            || u.StartsWith("//", StringComparison.Ordinal)
            || u.StartsWith("/\\", StringComparison.Ordinal)
            || u.StartsWith('\\');
    }

    /// <summary>
    /// http, https, mailto, or a relative URL. The value is seen as the browser's URL parser sees it: entities are
    /// already decoded by the HTML parser, tabs and newlines anywhere are ignored, and leading/trailing control
    /// characters and spaces are stripped; then any scheme not on the list ("javascript:", "data:", "vbscript:") fails.
    /// </summary>
    internal static bool IsSafeUrl(string url)
    {
        var u = NormalizeUrl(url);
        var colon = u.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }

        var delimiter = u.AsSpan().IndexOfAny("/?#");
        if (delimiter >= 0 && delimiter < colon)
        {
            return true;
        }

        var scheme = u[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    private static string NormalizeUrl(string url)
    {
        var sb = new StringBuilder(url.Length);
        foreach (var c in url)
        {
            if (c is not ('\t' or '\n' or '\r'))
            {
                sb.Append(c);
            }
        }

        return sb.ToString().Trim(C0AndSpace);
    }

    private static readonly char[] C0AndSpace = [.. Enumerable.Range(0, 0x21).Select(c => (char)c)];

    /// <summary>
    /// Estimates how deep the parser's stack of open elements gets: end tags close the nearest open element of their
    /// name, and p/li/td-like elements close an open one of their own name, as the parser does.
    /// </summary>
    internal static bool IsTooDeep(string html)
    {
        var open = new List<string>();
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0)
        {
            i++;
            var isEnd = i < html.Length && html[i] == '/';
            if (isEnd)
            {
                i++;
            }

            var start = i;
            while (i < html.Length && char.IsAsciiLetterOrDigit(html[i]))
            {
                i++;
            }

            if (i == start || !char.IsAsciiLetter(html[start]))
            {
                continue;
            }

            var name = html[start..i].ToLowerInvariant();
            if (isEnd || SelfClosing.Contains(name))
            {
                var at = open.LastIndexOf(name);
                if (at >= 0)
                {
                    open.RemoveRange(at, open.Count - at);
                }
            }

            if (!isEnd && !VoidElements.Contains(name))
            {
                open.Add(name);
                if (open.Count > MaxNesting)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Elements whose start tag closes an open one of the same name (a new &lt;li&gt; ends the last).</summary>
    private static readonly HashSet<string> SelfClosing = new(StringComparer.Ordinal)
    {
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rp",
    };

    private static string StripTags(string html)
    {
        var sb = new StringBuilder(html.Length);
        var inTag = false;
        foreach (var c in html)
        {
            if (c == '<')
            {
                inTag = true;
            }
            else if (c == '>' && inTag)
            {
                inTag = false;
                sb.Append(' ');
            }
            else if (!inTag)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string EscapeText(string text)
    {
        var sb = new StringBuilder(text.Length);
        AppendEscaped(sb, text, attribute: false);
        return sb.ToString();
    }

    /// <summary>HTML serialization escaping; '&lt;' and '&gt;' also in attributes, so no parser can take a value for markup.</summary>
    private static void AppendEscaped(StringBuilder sb, string text, bool attribute)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '\u00A0' => sb.Append("&nbsp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                '"' when attribute => sb.Append("&quot;"),
                _ => sb.Append(c),
            };
        }
    }

    private static string Collapse(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    [GeneratedRegex("^data-[a-z0-9-]+$")]
    private static partial Regex DataAttribute();

    [GeneratedRegex(@"^\d{1,5}$")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^-?\d{1,9}$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^\s*text-align\s*:\s*(left|center|right)\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TextAlign();
}
