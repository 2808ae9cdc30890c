using Microsoft.EntityFrameworkCore;
using Atelier.Platform.Data;

namespace Atelier.Features.Publishing;

/// <summary>An image stored for a post: the Markdown that shows it, and its address.</summary>
public sealed record ImageUploadDto(string Markdown, string Url, string FileName);

/// <summary>
/// Images pasted, dropped or picked in the post editor: the type is decided by the file's first bytes (never by its
/// name or the browser's word), the bytes go into the <see cref="AssetStore"/> (the same bytes once) and an
/// <see cref="Asset"/> row outside any vault records them under <c>uploads/</c>.
/// </summary>
internal sealed class PostImages(AppDb db, AssetStore store, TimeProvider time)
{
    public const long MaxBytes = 20 * 1024 * 1024;

    /// <summary>The media type and file extension of PNG, JPEG, GIF and WebP bytes; null for anything else.</summary>
    public static (string ContentType, string Extension)? Sniff(ReadOnlySpan<byte> head) =>
        Media.MediaSniffer.Sniff(head) is { ContentType: "image/png" or "image/jpeg" or "image/gif" or "image/webp" } type
            ? (type.ContentType, type.Extension)
            : null;

    /// <summary>A safe file name from whatever the browser sent (see <see cref="Media.MediaNames.Clean"/>).</summary>
    public static string CleanFileName(string? name, string extension) => Media.MediaNames.Clean(name, extension, "image");

    /// <summary>Stores an uploaded image; null when its bytes are not PNG, JPEG, GIF or WebP.</summary>
    public async Task<ImageUploadDto?> SaveAsync(IFormFile file, CancellationToken ct)
    {
        var head = new byte[12];
        int read;
        await using (var peek = file.OpenReadStream())
        {
            read = await peek.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }
        if (Sniff(head.AsSpan(0, read)) is not var (type, extension))
        {
            return null;
        }
        var name = CleanFileName(file.FileName, extension);
        await using var content = file.OpenReadStream();
        var (sha, size) = await store.PutAsync(content, ct);
        var path = "uploads/" + name;
        if (!await db.Assets.AnyAsync(a => a.VaultId == null && a.VaultPath == path && a.Sha256 == sha, ct))
        {
            db.Assets.Add(new Asset
            {
                VaultPath = path, FileName = name, Sha256 = sha, ContentType = type, Size = size, CreatedAt = time.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
        }
        var url = $"/assets/{sha}/{Uri.EscapeDataString(name)}";
        return new ImageUploadDto($"![{Path.GetFileNameWithoutExtension(name)}]({url})", url, name);
    }
}
