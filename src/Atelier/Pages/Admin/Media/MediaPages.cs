using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;
using Atelier.Features.Media;
using Atelier.Features.Media.Processing;
using Atelier.Platform;
using Atelier.Platform.Http;

namespace Atelier.Pages.Admin.Media;

/// <summary>
/// Request body caps for the library page's handlers: an upload may be as large as the largest kind of media (each
/// file is held to its own kind's limit by <see cref="MediaUploads"/> while it streams); every other handler keeps the
/// site's default cap. An authorization filter ordered after [DisableRequestSizeLimit] (900) and before antiforgery
/// validation (1000), which may read a form.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class MediaBodyLimitsAttribute : Attribute, IAuthorizationFilter, IOrderedFilter
{
    public const string UploadHandler = "Upload";

    /// <summary>Room for the multipart boundaries, part headers and the text fields sent with a file.</summary>
    private const long Envelope = 1024 * 1024;

    public int Order => 950;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        var http = context.HttpContext;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } feature)
        {
            return;
        }
        feature.MaxRequestBodySize = IsUpload(http, context.RouteData)
            ? http.RequestServices.GetRequiredService<IOptions<AtelierOptions>>().Value.Media.LargestLimit + Envelope
            : RequestBodyLimitMiddleware.DefaultLimit;
    }

    /// <summary>The handler Razor Pages will pick: the route value, else the query string.</summary>
    public static bool IsUpload(HttpContext http, RouteData route) =>
        string.Equals(route.Values["handler"] as string ?? http.Request.Query["handler"].ToString(), UploadHandler, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What the media pages show about items, in words and numbers people read.</summary>
internal static class MediaText
{
    public static string Icon(MediaKind kind) => kind switch
    {
        MediaKind.Image => "🖼",
        MediaKind.Audio => "🎵",
        MediaKind.Video => "🎬",
        MediaKind.Model => "🧊",
        _ => "📄",
    };

    public static string Kind(MediaKind kind) => kind switch
    {
        MediaKind.Model => "3D model",
        MediaKind.Document => "PDF",
        _ => kind.ToString(),
    };

    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["durationSeconds"] = "Duration",
        ["hasGps"] = "GPS position in the original",
        ["hasAudio"] = "Has sound",
        ["fps"] = "Frames per second",
        ["iso"] = "ISO",
        ["pdfVersion"] = "PDF version",
        ["trackNumber"] = "Track",
        ["dominantColor"] = "Dominant colour",
        ["size"] = "Bounding size",
        ["takenAt"] = "Taken",
    };

    /// <summary>"Sample rate" from "sampleRate": the metadata's camelCase keys as words.</summary>
    public static string Key(string key)
    {
        if (Keys.TryGetValue(key, out var known))
        {
            return known;
        }
        var words = new StringBuilder(key.Length + 4);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (i == 0)
            {
                words.Append(char.ToUpperInvariant(c));
            }
            else if (char.IsUpper(c))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c == '_' ? ' ' : c);
            }
        }
        return words.ToString();
    }

    public static string Value(string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Number when key == "durationSeconds" && value.TryGetDouble(out var seconds) => Duration(seconds),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) =>
            string.Join(key == "size" ? " × " : ", ", value.EnumerateArray().Select(e => e.GetRawText())),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(e => Value("", e))),
        _ => value.GetRawText(),
    };

    /// <summary>"3:05" or "1:02:03".</summary>
    public static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";
    }

    /// <summary>
    /// The line to paste into a post, <c>![alt](/media/ID/name)</c>: posts show a picture, and turn the address of
    /// audio, video or a 3D model into its player (a PDF into a link).
    /// </summary>
    public static string Markdown(Guid id, string fileName, string? alt)
    {
        var text = (alt ?? "").ReplaceLineEndings(" ").Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);
        return $"![{text}](/media/{id}/{Uri.EscapeDataString(fileName)})";
    }
}

/// <summary>
/// The pages' script (the site's Content-Security-Policy allows no inline script, so the page serves it): reload when
/// uploads are done and, while items are processing, every few seconds, but never while an upload runs or something
/// on the page was ticked or typed; and the "Copy Markdown" button.
/// </summary>
internal static class MediaScript
{
    public const string Source = """
        // Served by /admin/media?handler=Script for the media library pages.
        const uploader = document.querySelector('form[data-media-upload]');
        const uploading = () => uploader?.querySelector('[data-state="uploading"], [data-state="queued"]') != null;
        const initialIndex = (select) => Math.max(0, [...select.options].findIndex((option) => option.defaultSelected));
        const changed = () => [...document.querySelectorAll('input, textarea, select')].some((field) =>
          field.type === 'checkbox' || field.type === 'radio' ? field.checked !== field.defaultChecked
            : field.tagName === 'SELECT' ? field.selectedIndex !== initialIndex(field)
            : field.type !== 'hidden' && field.type !== 'file' && field.value !== field.defaultValue);
        const typing = () => document.activeElement?.matches('input, textarea, select') === true;
        uploader?.addEventListener('media-uploaded', (event) => {
          const done = event.detail ?? {};
          // Failures stay on screen to be read; the items that did upload link to their pages.
          if ((done.uploaded?.length ?? 0) > 0 && !done.failed && !uploading() && !changed()) {
            location.reload();
          }
        });
        if (document.querySelector('[data-media-status="processing"]')) {
          setInterval(() => {
            if (!uploading() && !changed() && !typing()) {
              location.reload();
            }
          }, 5000);
        }
        for (const button of document.querySelectorAll('button[data-copy]')) {
          const source = document.getElementById(button.dataset.copy);
          button.hidden = false;
          button.addEventListener('click', async () => {
            try {
              await navigator.clipboard.writeText(source.value);
              button.textContent = 'Copied';
            } catch {
              source.select();
            }
          });
        }
        """;
}
