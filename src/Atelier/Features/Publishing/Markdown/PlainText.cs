using AngleSharp.Dom;

namespace Atelier.Features.Publishing.Markdown;

/// <summary>What counts as text of a note: the sanitizer extracts it, these rules shape it.</summary>
internal static class PlainText
{
    /// <summary>Footnote numbers and back-arrows are navigation, not text.</summary>
    public static bool IsNotText(IElement element) =>
        element.LocalName == "a" && (element.ClassList.Contains("footnote-ref") || element.ClassList.Contains("footnote-back-ref"));

    /// <summary>Words: whitespace-separated runs holding at least one letter or digit, in any script.</summary>
    public static int CountWords(string text)
    {
        var count = 0;
        var counted = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                counted = false;
            }
            else if (!counted && char.IsLetterOrDigit(c))
            {
                counted = true;
                count++;
            }
        }

        return count;
    }
}
