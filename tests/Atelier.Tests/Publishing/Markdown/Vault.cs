using Atelier.Features.Publishing.Markdown;

namespace Atelier.Tests.Publishing.Markdown;

/// <summary>The vault most tests render against, and shortcuts to render with it.</summary>
internal static class Vault
{
    public static readonly ObsidianRenderer Renderer = new();

    public static FakeNoteLinks Create() => new FakeNoteLinks()
        .Note("Музыка", "/notes/muzyka",
            "---\ntitle: Музыка\n---\n# Музыка\n\nВступление.\n\n## Звук и синтез\n\nО звуке. ^zvuk\n\n### Фильтры\n\nПро фильтры.\n\n## Другое\n\nКонец.",
            "Music")
        .Note("Synths/Moog", "/notes/moog")
        .Note("Draft", null, "Секрет.")
        .Asset("image.png", AssetKind.Image)
        .Asset("song.mp3", AssetKind.Audio)
        .Asset("clip.mp4", AssetKind.Video)
        .Asset("manual.pdf", AssetKind.Pdf)
        .Asset("synth.glb", AssetKind.Model)
        .Asset("patch.zip", AssetKind.Other);

    public static RenderResult Render(string markdown, INoteLinks? links = null) => Renderer.Render(markdown, links ?? Create());

    /// <summary>The sanitized HTML without the trailing newline Markdig leaves after the last block.</summary>
    public static string Html(string markdown, INoteLinks? links = null) => Render(markdown, links).Html.TrimEnd('\n');
}
