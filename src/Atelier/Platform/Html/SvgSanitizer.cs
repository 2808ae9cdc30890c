using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Atelier.Platform.Html;

/// <summary>
/// Allow-list sanitizer for uploaded SVG images. An SVG opened directly is a document that can run scripts, load
/// other sites and style the page; what comes out has only drawing elements and presentation attributes, references
/// only inside itself (<c>#id</c>) or to embedded raster images, and no script, event handler, foreign content,
/// external stylesheet or DTD. The XML is parsed with DTDs prohibited and no resolver, so entity expansion (billion
/// laughs) and external entities never happen: such a file is refused.
/// </summary>
public static partial class SvgSanitizer
{
    internal const string SvgNamespace = "http://www.w3.org/2000/svg";
    internal const string XlinkNamespace = "http://www.w3.org/1999/xlink";
    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    /// <summary>Larger documents are refused rather than parsed.</summary>
    internal const long MaxCharacters = 32 * 1024 * 1024;

    /// <summary>
    /// Returns the sanitized SVG as UTF-8, or null when the input is not a well-formed XML document with an
    /// <c>&lt;svg&gt;</c> root, or declares a DTD.
    /// </summary>
    public static byte[]? Sanitize(byte[] svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var readerSettings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 1024,
        };
        var writerSettings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = true, Indent = false };
        try
        {
            using var input = new MemoryStream(svg, writable: false);
            using var reader = XmlReader.Create(input, readerSettings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "svg" || reader.NamespaceURI is not ("" or SvgNamespace))
            {
                return null;
            }

            using var output = new MemoryStream();
            using (var writer = XmlWriter.Create(output, writerSettings))
            {
                Copy(reader, writer);

                // Whatever follows the root may only be comments and whitespace; the reader checks that.
                while (reader.Read())
                {
                }
            }

            return output.ToArray();
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Writes the allowed part of the document; iterative, so nesting depth costs no stack.</summary>
    private static void Copy(XmlReader reader, XmlWriter writer)
    {
        // For each open element of the input: whether its start tag was written (unwrapped ones were not).
        var open = new Stack<bool>();
        var root = true;
        do
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var name = reader.LocalName;
                    if (!root && (reader.NamespaceURI is not ("" or SvgNamespace) || !Elements.Contains(name) || IsDangerousAnimation(reader)))
                    {
                        // Unknown, foreign (foreignObject, RDF, editor data) and scripting elements go with their content.
                        reader.Skip();
                        continue;
                    }

                    root = false;
                    if (name == "a")
                    {
                        // A link is unwrapped: what it contains is drawing, the link itself is navigation.
                        if (!reader.IsEmptyElement)
                        {
                            open.Push(false);
                        }

                        break;
                    }

                    if (name == "style")
                    {
                        WriteStyleElement(reader, writer);
                        continue;
                    }

                    var empty = reader.IsEmptyElement;
                    writer.WriteStartElement(name, SvgNamespace);
                    WriteAttributes(reader, writer);
                    if (empty)
                    {
                        writer.WriteEndElement();
                    }
                    else
                    {
                        open.Push(true);
                    }

                    break;
                case XmlNodeType.EndElement:
                    if (open.Pop())
                    {
                        writer.WriteFullEndElement();
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    // CDATA becomes escaped text: in an SVG it can only ever be text (a script's is dropped with it).
                    writer.WriteString(reader.Value);
                    break;
            }

            if (open.Count == 0 && !root)
            {
                reader.Read();
                return;
            }

            reader.Read();
        }
        while (!reader.EOF);
    }

    /// <summary>A &lt;style&gt; element is kept only when its CSS can reach nothing outside the document.</summary>
    private static void WriteStyleElement(XmlReader reader, XmlWriter writer)
    {
        var type = reader.GetAttribute("type");
        var css = reader.IsEmptyElement ? string.Empty : reader.ReadElementContentAsString();
        if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "style" && reader.IsEmptyElement)
        {
            reader.Read();
        }

        if (!IsSafeCss(css) || type is not (null or "text/css"))
        {
            return;
        }

        writer.WriteStartElement("style", SvgNamespace);
        writer.WriteString(css);
        writer.WriteEndElement();
    }

    private static void WriteAttributes(XmlReader reader, XmlWriter writer)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }

        do
        {
            var ns = reader.NamespaceURI;
            var local = reader.LocalName;
            var value = reader.Value;
            if (ns == "http://www.w3.org/2000/xmlns/")
            {
                continue; // The writer declares the namespaces it uses.
            }

            if (ns == XmlNamespace && local is "space" or "lang")
            {
                writer.WriteAttributeString("xml", local, XmlNamespace, value);
            }
            else if (local == "href" && (ns == XlinkNamespace || ns.Length == 0))
            {
                if (IsSafeHref(value))
                {
                    writer.WriteAttributeString(ns.Length == 0 ? null : "xlink", "href", ns.Length == 0 ? null : XlinkNamespace, value);
                }
            }
            else if (ns.Length == 0 && Attributes.Contains(local) && IsSafeValue(value) && (local != "style" || IsSafeCss(value)))
            {
                writer.WriteAttributeString(local, value);
            }

            // Everything else goes: on* handlers, editor namespaces, attributes of no SVG element.
        }
        while (reader.MoveToNextAttribute());

        reader.MoveToElement();
    }

    /// <summary>An animation that would set a link or a handler (a classic way to smuggle <c>javascript:</c> in).</summary>
    private static bool IsDangerousAnimation(XmlReader reader)
    {
        if (reader.LocalName is not ("animate" or "set" or "animateMotion" or "animateTransform" or "animateColor"))
        {
            return false;
        }

        var target = reader.GetAttribute("attributeName")?.Trim() ?? string.Empty;
        var colon = target.IndexOf(':', StringComparison.Ordinal);
        var local = colon >= 0 ? target[(colon + 1)..] : target;
        return local.Equals("href", StringComparison.OrdinalIgnoreCase)
            || local.Equals("style", StringComparison.OrdinalIgnoreCase)
            || local.StartsWith("on", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A fragment of this document, or an embedded raster image.</summary>
    internal static bool IsSafeHref(string value)
    {
        var v = value.Trim();
        return v.StartsWith('#') ? IsSafeValue(v) : EmbeddedImage().IsMatch(v);
    }

    /// <summary>No script URL and no url() leaving the document, in any attribute.</summary>
    private static bool IsSafeValue(string value)
    {
        var compact = Compact(value);
        return !compact.Contains("javascript:", StringComparison.Ordinal)
            && !compact.Contains("vbscript:", StringComparison.Ordinal)
            && UrlsAreLocal(value);
    }

    /// <summary>
    /// CSS with no external url(), no @import, no script URL and no escapes (with which "u\72l(" is url( to a
    /// browser but not to a text search).
    /// </summary>
    internal static bool IsSafeCss(string css)
    {
        var compact = Compact(css);
        return !css.Contains('\\', StringComparison.Ordinal)
            && !compact.Contains("@import", StringComparison.Ordinal)
            && !compact.Contains("expression(", StringComparison.Ordinal)
            && !compact.Contains("-moz-binding", StringComparison.Ordinal)
            && !compact.Contains("behavior:", StringComparison.Ordinal)
            && IsSafeValue(css);
    }

    private static bool UrlsAreLocal(string value)
    {
        foreach (Match m in Url().Matches(value))
        {
            var target = m.Groups[1].Value.Trim().Trim('"', '\'').Trim();
            if (!target.StartsWith('#'))
            {
                return false;
            }
        }

        // An url( the pattern did not close (a quote inside, a line break) is not taken as local.
        return Url().Count(value) == UrlOpen().Count(value);
    }

    /// <summary>Lower case, without whitespace and control characters, as a browser reads a URL scheme.</summary>
    private static string Compact(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c) && !char.IsControl(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"url\(\s*([^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"url\(", RegexOptions.IgnoreCase)]
    private static partial Regex UrlOpen();

    [GeneratedRegex(@"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", RegexOptions.IgnoreCase)]
    private static partial Regex EmbeddedImage();

    private static readonly HashSet<string> Elements = new(StringComparer.Ordinal)
    {
        "svg", "g", "defs", "symbol", "use", "title", "desc", "switch", "view", "a", "style",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix", "feDiffuseLighting",
        "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
        "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
        "animate", "animateMotion", "animateTransform", "set", "mpath",
    };

    private static readonly HashSet<string> Attributes = new(StringComparer.Ordinal)
    {
        // Core and structure
        "id", "class", "style", "lang", "version", "viewBox", "preserveAspectRatio", "transform", "transform-origin",
        "requiredExtensions", "systemLanguage",
        // Geometry
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width", "height", "d", "points",
        "pathLength",
        // Painting
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
        "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity", "color", "display", "visibility", "overflow",
        "paint-order", "vector-effect", "mix-blend-mode", "isolation", "shape-rendering", "text-rendering", "image-rendering",
        "color-rendering", "color-interpolation", "color-interpolation-filters", "clip", "clip-path", "clip-rule", "mask", "filter",
        "flood-color", "flood-opacity", "lighting-color", "stop-color", "stop-opacity", "marker-start", "marker-mid", "marker-end",
        // Gradients, patterns, clips, masks, markers
        "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits", "patternContentUnits", "patternTransform",
        "clipPathUnits", "maskUnits", "maskContentUnits", "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
        // Text
        "font-family", "font-size", "font-size-adjust", "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor",
        "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing", "text-decoration",
        "writing-mode", "direction", "unicode-bidi", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset",
        "method", "spacing", "side",
        // Filters
        "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode", "type", "values", "operator",
        "k1", "k2", "k3", "k4", "scale", "xChannelSelector", "yChannelSelector", "baseFrequency", "numOctaves", "seed",
        "stitchTiles", "tableValues", "slope", "intercept", "amplitude", "exponent", "radius", "order", "kernelMatrix",
        "divisor", "bias", "targetX", "targetY", "edgeMode", "kernelUnitLength", "preserveAlpha", "surfaceScale",
        "specularConstant", "specularExponent", "diffuseConstant", "azimuth", "elevation", "pointsAtX", "pointsAtY",
        "pointsAtZ", "limitingConeAngle", "z",
        // Animation (see IsDangerousAnimation for what may be animated)
        "attributeName", "attributeType", "begin", "dur", "end", "repeatCount", "repeatDur", "from", "to", "by",
        "keyTimes", "keySplines", "keyPoints", "calcMode", "additive", "accumulate", "restart", "min", "max", "path",
    };
}
