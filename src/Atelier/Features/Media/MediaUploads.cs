using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Atelier.Features.Media.Processing;
using Atelier.Platform;
using Atelier.Platform.Data;
using Atelier.Platform.Jobs;
using Atelier.Platform.Storage;

namespace Atelier.Features.Media;

/// <summary>Why an upload was refused, as problem details.</summary>
internal sealed record UploadProblem(int Status, string Title, string Detail);

/// <summary>
/// Uploads read straight from the request body (never the whole file in memory): each part is sniffed from its first
/// bytes, copied to a temporary file while it is hashed and counted against its kind's limit, then taken into blob
/// storage under its SHA-256 (the same bytes are stored once) and queued for processing.
/// </summary>
internal sealed class MediaUploads(AppDb db, IBlobStorage blobs, JobQueue jobs, IOptions<AtelierOptions> options, TimeProvider time)
{
    public const string FileField = "file";
    private const int MaxCompanions = 64;
    private const int MaxFieldLength = 4000;

    private MediaOptions Limits => options.Value.Media;

    /// <summary>The metadata fields a client may send with the file.</summary>
    private sealed class Fields
    {
        public string? Title, Alt, Caption, Tags, Visibility, AlbumId;
    }

    private sealed record Part(string Name, SniffedType Type, string TempFile, string Sha256, long Size);

    public async Task<(MediaItem? Item, UploadProblem? Problem)> UploadAsync(HttpRequest request, Guid ownerId, bool isAdmin, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return (null, new(400, "Send the file as multipart/form-data.", $"Put the file in a form field named '{FileField}'."));
        }

        var parts = new List<Part>();
        var fields = new Fields();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
            var sections = 0;
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++sections > MaxCompanions + 20)
                {
                    return (null, new(400, "Too many form fields.", "Send the file and at most a few metadata fields."));
                }
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFileDisposition())
                {
                    if (name != FileField)
                    {
                        return (null, new(400, "Unexpected file field.", $"Send files in the field '{FileField}'."));
                    }
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    var (part, problem) = await ReadFileAsync(section.Body, fileName, parts.Count == 0 ? null : parts[0], ct);
                    if (problem is not null)
                    {
                        return (null, problem);
                    }
                    parts.Add(part!);
                    if (parts.Count > MaxCompanions + 1)
                    {
                        return (null, new(400, "Too many files.", $"A glTF may come with at most {MaxCompanions} buffers and textures."));
                    }
                }
                else if (await ReadFieldAsync(section.Body, ct) is { } value)
                {
                    switch (name)
                    {
                        case "title": fields.Title = value; break;
                        case "alt": fields.Alt = value; break;
                        case "caption": fields.Caption = value; break;
                        case "tags": fields.Tags = value; break;
                        case "visibility": fields.Visibility = value; break;
                        case "albumId": fields.AlbumId = value; break;
                    }
                }
                else
                {
                    return (null, new(400, $"The field '{name}' is too long.", $"Form fields may be up to {MaxFieldLength} characters."));
                }
            }
            if (parts.Count == 0)
            {
                return (null, new(400, "No file was sent.", $"Put the file in a form field named '{FileField}'."));
            }
            return await CreateAsync(parts, fields, ownerId, isAdmin, ct);
        }
        catch (InvalidDataException e)
        {
            return (null, new(400, "The upload could not be read.", e.Message));
        }
        finally
        {
            foreach (var part in parts)
            {
                File.Delete(part.TempFile); // taken into storage already, or refused
            }
        }
    }

    private async Task<(Part? Part, UploadProblem? Problem)> ReadFileAsync(Stream body, string? fileName, Part? primary, CancellationToken ct)
    {
        var head = new byte[MediaSniffer.HeadLength];
        var headLength = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (headLength == 0)
        {
            return (null, new(400, "The file is empty.", $"'{fileName}' has no content."));
        }
        var sniffed = MediaSniffer.Sniff(head.AsSpan(0, headLength));
        long limit;
        if (primary is null)
        {
            if (sniffed is null)
            {
                return (null, new(415, "This file type is not supported.",
                    $"'{fileName}' is not an image, audio, video, 3D model (glTF/GLB) or PDF file Atelier recognises by its content."));
            }
            limit = sniffed.NeedsWholeFileCheck ? Math.Min(Limits.MaxTextBytes, Limits.LimitOf(sniffed.Kind)) : Limits.LimitOf(sniffed.Kind);
        }
        else
        {
            // Only a glTF comes with further files: its buffers (.bin, no magic bytes) and textures (images).
            if (primary.Type.ContentType != "model/gltf+json")
            {
                return (null, new(400, "Send one file per request.", "Only a .gltf may be followed by its .bin and texture files in the same request."));
            }
            var isBuffer = sniffed is null && Path.GetExtension(fileName ?? "").Equals(".bin", StringComparison.OrdinalIgnoreCase);
            if (!isBuffer && sniffed is not { Kind: MediaKind.Image })
            {
                return (null, new(415, "This file type is not supported next to a glTF.", $"'{fileName}' is neither a .bin buffer nor an image texture."));
            }
            sniffed ??= new SniffedType(MediaKind.Model, "application/octet-stream", ".bin");
            limit = Limits.MaxModelBytes - primary.Size;
        }

        var name = primary is null ? MediaNames.Clean(fileName, sniffed.Extension) : MediaNames.Companion(fileName);
        var temp = TempFile();
        try
        {
            long size = headLength;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                sha.AppendData(head, 0, headLength);
                await target.WriteAsync(head.AsMemory(0, headLength), ct);
                var buffer = new byte[128 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > limit)
                    {
                        File.Delete(temp);
                        return (null, TooLarge(fileName, sniffed.Kind, limit));
                    }
                    sha.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (size > limit)
            {
                File.Delete(temp);
                return (null, TooLarge(fileName, sniffed.Kind, limit));
            }
            var part = new Part(name, sniffed, temp, Convert.ToHexStringLower(sha.GetHashAndReset()), size);
            if (primary is null && sniffed.NeedsWholeFileCheck)
            {
                return await CheckTextFileAsync(part, fileName, ct);
            }
            return (part, null);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>SVG is cleaned of scripts and external references (or refused); glTF JSON must parse and name its asset version.</summary>
    private async Task<(Part? Part, UploadProblem? Problem)> CheckTextFileAsync(Part part, string? fileName, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(part.TempFile, ct);
        if (part.Type.ContentType == "image/svg+xml")
        {
            if (Platform.Html.SvgSanitizer.Sanitize(bytes) is not { } clean)
            {
                File.Delete(part.TempFile);
                return (null, new(415, "This SVG cannot be accepted.", $"'{fileName}' is not a well-formed SVG image (or uses a DTD)."));
            }
            await File.WriteAllBytesAsync(part.TempFile, clean, ct);
            return (part with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(clean)), Size = clean.Length }, null);
        }
        try
        {
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("asset", out var asset) && asset.ValueKind == JsonValueKind.Object)
            {
                return (part, null);
            }
        }
        catch (JsonException)
        {
        }
        File.Delete(part.TempFile);
        return (null, new(415, "This file type is not supported.", $"'{fileName}' is JSON but not a glTF 2.0 model (no \"asset\")."));
    }

    private async Task<(MediaItem? Item, UploadProblem? Problem)> CreateAsync(List<Part> parts, Fields fields, Guid ownerId, bool isAdmin, CancellationToken ct)
    {
        var edit = MediaEdit.From(fields.Title, fields.Alt, fields.Caption, fields.Tags, fields.Visibility);
        if (edit.Problem is { } invalid)
        {
            return (null, invalid);
        }
        Album? album = null;
        if (fields.AlbumId is { } albumText)
        {
            album = Guid.TryParse(albumText, out var albumId)
                ? await db.Albums.Where(a => a.Id == albumId && (isAdmin || a.OwnerId == ownerId)).SingleOrDefaultAsync(ct)
                : null;
            if (album is null)
            {
                return (null, new(400, "The album does not exist.", "albumId must be the id of one of your albums."));
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        var primary = parts[0];
        var item = new MediaItem
        {
            OwnerId = ownerId,
            Kind = primary.Type.Kind,
            FileName = primary.Name,
            ContentType = primary.Type.ContentType,
            Size = primary.Size,
            Sha256 = primary.Sha256,
            CreatedAt = now,
            UpdatedAt = now,
        };
        edit.ApplyTo(item);
        item.Files.Add(new MediaFile { Name = primary.Name, Role = MediaFile.Original, ContentType = primary.Type.ContentType, Size = primary.Size, Sha256 = primary.Sha256 });
        foreach (var companion in parts.Skip(1))
        {
            if (item.Files.Any(f => f.Name.Equals(companion.Name, StringComparison.OrdinalIgnoreCase)))
            {
                return (null, new(400, "Two files have the same name.", $"'{companion.Name}' was sent twice."));
            }
            item.Files.Add(new MediaFile { Name = companion.Name, Role = MediaFile.Companion, ContentType = companion.Type.ContentType, Size = companion.Size, Sha256 = companion.Sha256 });
        }

        foreach (var part in parts)
        {
            await blobs.PutFileAsync(part.Sha256, part.TempFile, part.Type.ContentType, ct);
        }
        db.Media.Add(item);
        if (album is not null)
        {
            var last = await db.AlbumItems.Where(i => i.AlbumId == album.Id).MaxAsync(i => (int?)i.Position, ct) ?? -1;
            db.AlbumItems.Add(new AlbumItem { AlbumId = album.Id, MediaId = item.Id, Position = last + 1 });
            album.UpdatedAt = now;
        }
        jobs.Enqueue(db, MediaProcessing.JobKind, new MediaProcessing.Payload(item.Id), maxAttempts: 3);
        await db.SaveChangesAsync(ct);
        return (item, null);
    }

    private string TempFile()
    {
        var folder = Path.Combine(options.Value.FullDataPath, "tmp");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "upload-" + Guid.NewGuid().ToString("N"));
    }

    private static UploadProblem TooLarge(string? fileName, MediaKind kind, long limit) =>
        new(413, "The file is too large.", $"'{fileName}' is larger than the {kind.ToString().ToLowerInvariant()} limit of {MediaSizes.Describe(limit)}.");


    /// <summary>A text field's value, or null when it is longer than a field may be.</summary>
    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[MaxFieldLength + 1];
        var read = await reader.ReadBlockAsync(buffer, ct);
        return read > MaxFieldLength ? null : new string(buffer, 0, read);
    }
}
