namespace Atelier.Features.Publishing.Markdown;

/// <summary>Supplied by the caller (the vault importer / the post renderer): how names in the note resolve.</summary>
public interface INoteLinks
{
    /// <summary>
    /// [[target]] → a note by file name (without .md), by path ("folder/Note"), or by alias; case-insensitive.
    /// null = no such note. A <see cref="NoteTarget"/> with Url == null = the note exists but is not published → render plain text.
    /// </summary>
    NoteTarget? ResolveNote(string target);

    /// <summary>![[file.ext]] → an attachment (image, audio, video, pdf, 3D model). null = missing.</summary>
    AssetTarget? ResolveAsset(string target);

    /// <summary>Markdown source of a note for ![[Note]] transclusion; null when unavailable.</summary>
    string? LoadSource(NoteTarget note);
}

/// <summary>A note a link can point at; <see cref="Url"/> is null while the note is not published.</summary>
public sealed record NoteTarget(string Key, string Title, string? Url);

/// <summary>How an embedded attachment is shown.</summary>
public enum AssetKind { Image, Audio, Video, Pdf, Model, Other }

/// <summary>An attachment an embed can show.</summary>
public sealed record AssetTarget(string Name, string Url, AssetKind Kind);
