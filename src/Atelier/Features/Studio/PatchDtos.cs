using System.Text.Json;
using System.Text.Json.Serialization;

namespace Atelier.Features.Studio;

public sealed record PatchPerson(Guid Id, string DisplayName);

public sealed record PatchOrigin(Guid Id, string Slug, string Name);

/// <summary>What a patch list shows (docs/api-contract: PatchSummary).</summary>
public sealed record PatchSummary(
    Guid Id, string Slug, string Name, string Description, string Visibility, int Version, int NodeCount,
    PatchPerson Owner, PatchOrigin? ForkedFrom, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A patch with its document, and whether the caller may save it.</summary>
public sealed record PatchDetail(
    Guid Id, string Slug, string Name, string Description, string Visibility, int Version, int NodeCount,
    PatchPerson Owner, PatchOrigin? ForkedFrom, DateTime CreatedAt, DateTime UpdatedAt,
    [property: JsonConverter(typeof(RawJsonConverter))] string Document, bool CanEdit);

public sealed record PatchVersionSummary(int Number, string Name, int NodeCount, DateTime CreatedAt, PatchPerson Author);

public sealed record PatchVersionList(IReadOnlyList<PatchVersionSummary> Items);

public sealed record PatchVersionDetail(int Number, string Name, [property: JsonConverter(typeof(RawJsonConverter))] string Document, DateTime CreatedAt);

/// <summary>POST /api/v1/patches. The document defaults to an empty patch.</summary>
public sealed record NewPatch(string? Name, string? Description, string? Visibility, JsonElement? Document);

/// <summary>
/// PUT /api/v1/patches/{id}: the whole patch. <c>baseVersion</c> is the version the editor started from (409 when
/// someone saved since); <c>checkpoint: false</c> marks an autosave, which folds into the newest version while that
/// is the same author's and younger than 10 minutes.
/// </summary>
public sealed record PatchUpdate(string? Name, string? Description, string? Visibility, JsonElement? Document, int? BaseVersion, bool? Checkpoint);

public sealed record ForkRequest(string? Name);

/// <summary>
/// Writes a stored, already validated JSON document into a response as it is, instead of parsing it only to write it
/// again (a 500-node patch is a few hundred kilobytes).
/// </summary>
internal sealed class RawJsonConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var json = JsonDocument.ParseValue(ref reader);
        return json.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value, skipInputValidation: true);
}
